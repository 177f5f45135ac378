"""What every reader of outside input agrees on: the largest input read, and the shape of a compact JWS.

Baking (credentials) and the verifier (verification) both read badges people upload; the limits live here
so that neither package imports the other's.
"""

from __future__ import annotations

import re

from badges.services.shared.messages import N_, message

MAX_INPUT_BYTES = 2 * 1024 * 1024
MAX_INPUT_MB = MAX_INPUT_BYTES // (1024 * 1024)
# The one message for a badge over the limit, whatever carries it (file, text, API body).
TOO_LARGE = message("badge.too_large", N_("Le badge est trop gros : %(mb)s Mo au plus."))(mb=MAX_INPUT_MB)
JWS_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
