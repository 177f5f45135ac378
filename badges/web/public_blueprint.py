"""The public blueprint: public documents and pages, the holder's pages and the verification page share it.

It lives apart so that `public`, `holder` and `verifier` each import it, and none of them imports another.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)
