"""One "find it in these tiers-lieux, or not found" for every record a URL names by its public id.

Another tiers-lieu's record is not found (404), never forbidden: a 403 would tell that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from badges.models.base import PublicIdMixin
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import Message

M = TypeVar("M", bound=PublicIdMixin)


def find_owned(
    session: Session,
    model: type[M],
    public_id: str,
    *,
    owner: InstrumentedAttribute[int],
    issuer_ids: Iterable[int] | None,
    message: Message,
    join: Iterable[Any] = (),
    where: Iterable[ColumnElement[bool]] = (),
) -> M:
    """The `model` row with this public id belonging to one of `issuer_ids` (None: any), or NotFound(message).

    `owner` is the issuer column (the model's own `issuer_id`, or another table's reached through `join`);
    `where` adds conditions a row must meet to be found at all (not erased, for instance).
    """
    query = select(model).where(model.public_id == public_id, *where)
    for target in join:
        query = query.join(target)
    if issuer_ids is not None:
        query = query.where(owner.in_(list(issuer_ids)))
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(message)
    return found
