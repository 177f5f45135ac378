"""Authentication for the JSON API: `Authorization: Bearer <token>` of a staff account."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from badges.db import get_session
from badges.models import Issuer, Role, User
from badges.services.accounts import users
from badges.web.context import now

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def token_required(view: F) -> F:
    """Resolve the bearer token to an active user, or answer 401 (same answer for every bad token)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized()
        user = users.user_for_token(get_session(), token.strip(), now=now())
        if user is None:
            log.info("API token refused")  # never the token, not even a prefix of it
            raise Unauthorized()
        g.user = user
        log.debug("API token accepted", extra={"account": user.public_id})
        return view(*args, **kwargs)

    return cast(F, wrapper)


def current_user() -> User:
    user: User = g.user
    return user


def staff_issuer() -> Issuer:
    """The tiers-lieu a staff token acts for; other roles cannot issue."""
    user = current_user()
    if user.role != Role.STAFF.value or user.issuer is None:
        raise Forbidden()
    return user.issuer
