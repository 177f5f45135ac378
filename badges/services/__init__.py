"""Domain services: plain functions taking the session, keyring and clock; never Flask, never commit."""
