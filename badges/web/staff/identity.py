"""Who is signed in: the session's content, its idle and absolute limits, and its renewal at sign-in.

Flask keeps the session in a signed cookie (HttpOnly, SameSite=Lax, Secure on https). At sign-in it is
emptied and refilled, with a new random session id and a new CSRF token, so nothing set before survives
(session fixation). A stamp of the password hash ends every session when the password changes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, flash, g, session
from flask_babel import gettext as _
from sqlalchemy import select

from badges.db import get_session
from badges.models import User
from badges.services import staff_accounts
from badges.web.context import now

# Activity is written back at most once a minute: fewer new cookies, same idle limit.
TOUCH_EVERY = 60


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _clock() -> int:
    return int(now().timestamp())


def sign_in(user: User) -> None:
    session.clear()
    session["uid"] = user.public_id
    session["stamp"] = staff_accounts.session_stamp(_secret(), user)
    session["sid"] = secrets.token_urlsafe(16)
    session["born"] = session["seen"] = _clock()
    g.staff_user = user


def sign_out() -> None:
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


def _expired(born: object, seen: object) -> bool:
    config, moment = current_app.config, _clock()
    if not isinstance(born, int) or not isinstance(seen, int):
        return True
    idle = timedelta(minutes=config["STAFF_IDLE_MINUTES"]).total_seconds()
    absolute = timedelta(hours=config["STAFF_SESSION_HOURS"]).total_seconds()
    return moment - seen > idle or moment - born > absolute


def load_user() -> None:
    """Resolve the session to an active account, or end it (the access check then asks to sign in)."""
    g.staff_user = None
    public_id = session.get("uid")
    if not isinstance(public_id, str):
        return
    user = get_session().scalars(select(User).where(User.public_id == public_id)).first()
    valid = (
        user is not None
        and user.is_active
        and session.get("stamp") == staff_accounts.session_stamp(_secret(), user)
    )
    if not valid or _expired(session.get("born"), session.get("seen")):
        session.clear()
        flash(_("Votre session a pris fin : reconnectez-vous."), "info")
        return
    g.staff_user = user
    if _clock() - int(session["seen"]) >= TOUCH_EVERY:
        session["seen"] = _clock()
