"""Operating an instance: backups of the database and the encrypted keys, and their restoration."""

from __future__ import annotations
