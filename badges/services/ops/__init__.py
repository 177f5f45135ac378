"""Running the service: readiness checks for load balancers and supervisors (``health``), backups of the
database and the encrypted keys, and their restoration (``backup``, ``archive``).

Offers nothing to the other domains. Depends on ``crypto`` (the keyring), the database and the models only.
"""

from __future__ import annotations
