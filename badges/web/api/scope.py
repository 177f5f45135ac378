"""Who may read and write what in the programme API: scoping by tiers-lieu, and the unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, request
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.exceptions import Forbidden

from badges.db import get_session
from badges.models import Issuer, Role
from badges.web.auth import current_user, staff_issuer
from badges.web.context import value_of

T = TypeVar("T")


def readable_issuers() -> list[int] | None:
    """Tiers-lieux whose data the caller reads: their own (staff), all of them (coordinator, None).

    Another tiers-lieu's object is then simply not found (404), so its existence never leaks.
    """
    user = current_user()
    if user.role == Role.COORDINATOR.value:
        return None
    if user.role == Role.STAFF.value and user.issuer_id is not None:
        return [user.issuer_id]
    raise Forbidden()


def scoped(query: Select[Any], issuer_column: InstrumentedAttribute[int]) -> Select[Any]:
    """The query limited to the tiers-lieux the caller reads (`issuer_column` names the owning tiers-lieu)."""
    scope = readable_issuers()
    return query if scope is None else query.where(issuer_column.in_(scope))


def writer() -> Issuer:
    """Only staff write, for their own tiers-lieu (coordinators read across tiers-lieux)."""
    return staff_issuer()


def commit_and_render(
    obj: T, render: Callable[[T], dict[str, Any]], status: int = 200
) -> tuple[Response, int]:
    """Flush (public ids are set at insert), render, then commit the request's unit of work."""
    session = get_session()
    session.flush()
    body = render(obj)
    session.commit()
    return jsonify(body), status


def commit_no_content() -> tuple[str, int]:
    """Commit the request's unit of work and answer 204 No Content (a deletion)."""
    get_session().commit()
    return "", 204


def arg(name: str) -> str | None:
    return value_of(request.args, name) or None
