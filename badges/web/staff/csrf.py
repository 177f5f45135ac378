"""CSRF protection of every staff form: a random token kept in the session, echoed by a hidden field.

Every state-changing request of the staff blueprint must send it back (form field or X-CSRF-Token
header); otherwise it is refused with 400 before any view runs, so nothing changes.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest

from badges.web.staff import bp

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailure(BadRequest):
    """The form did not come from one of our pages (or the session it belonged to is gone)."""


def token() -> str:
    """This session's token, made on first use (a new session at sign-in gets a new token)."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return value


def hidden_field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(token()))


def protect() -> None:
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    if (
        not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfFailure()


@bp.context_processor
def template_helpers() -> dict[str, object]:
    return {"csrf_field": hidden_field}
