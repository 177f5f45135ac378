"""Who is signed in: the session token in the cookie, looked up on the server at every request.

Flask's signed cookie (HttpOnly, SameSite=Lax, Secure on https) carries only the session token and the
CSRF token; the session itself is a row (services/accounts/staff_sessions.py), so sign-out, a password
change or reset and a disabled account end it everywhere at once.
At sign-in the cookie is emptied and refilled with a new token and a new CSRF token, so nothing set
before survives (session fixation).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, flash, g, session
from flask_babel import gettext as _

from badges.db import get_session
from badges.models import User
from badges.services.accounts import staff_sessions
from badges.web.context import now
from badges.web.staff import csrf

log = logging.getLogger(__name__)

TOKEN = "sid"


def _limits() -> staff_sessions.Limits:
    config = current_app.config
    return staff_sessions.Limits(
        idle=timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )


def sign_in(user: User) -> None:
    """A new session for this browser (the caller commits)."""
    session.clear()
    session[TOKEN] = staff_sessions.open_session(get_session(), user=user, limits=_limits(), now=now())
    g.staff_user = user
    # The account's public id, never its address or name: enough to find it, nothing to read.
    log.info("staff signed in", extra={"account": user.public_id})


def sign_out() -> None:
    """End this browser's session on the server too: a copy of the cookie opens nothing afterwards."""
    token = session.get(TOKEN)
    if isinstance(token, str):
        staff_sessions.end(get_session(), token, now=now())
        get_session().commit()
    session.clear()
    g.staff_user = None


def current_user() -> User | None:
    user: User | None = g.get("staff_user")
    return user


def signed_in() -> User:
    """The signed-in account of a view that requires one (the access check ran before it)."""
    user = current_user()
    assert user is not None
    return user


def load_user() -> None:
    """Resolve the session to an active account, or end it (the access check then asks to sign in).

    Its own unit of work: the activity time is saved even on pages that write nothing, and the view
    starts a fresh transaction (the sign-in throttling needs that on SQLite, see throttling.reserve).
    """
    g.staff_user = None
    token = session.get(TOKEN)
    if not isinstance(token, str):
        return
    db = get_session()
    user = staff_sessions.resolve(db, token, limits=_limits(), now=now())
    db.commit()
    if user is None:
        # The form token stays: a form posted after the session ended then leads to the sign-in page
        # and back to its page (the grid keeps what was typed), not to a "form refused" error.
        form_token = session.get(csrf.SESSION_KEY)
        session.clear()
        if isinstance(form_token, str):
            session[csrf.SESSION_KEY] = form_token
        flash(_("Votre session a pris fin : reconnectez-vous."), "info")
        return
    g.staff_user = user
