"""Domain services by package: plain functions taking session, keyring and clock; never Flask, never commit.

See docs/architecture.md for what each package owns and the order of their dependencies.
"""
