"""Running the service: readiness checks for load balancers and supervisors (``health``).

Offers nothing to the other domains. Depends on ``crypto`` (the keyring) and the models only.
"""
