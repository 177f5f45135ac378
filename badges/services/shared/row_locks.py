"""A row's write lock, held until the transaction ends: two requests doing the same thing to the same row
queue one behind the other instead of racing (a double click, a page sent twice, two revocations)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from badges.models.base import Base

Row = TypeVar("Row", bound=Base)


def lock_row(session: Session, model: type[Row], where: ColumnElement[bool], *, touch: Any) -> Row:
    """Lock the one row of `model` that `where` selects until the transaction ends; return it as committed.

    PostgreSQL: `SELECT ... FOR UPDATE` on its row. A second writer of the same row waits here; under READ
    COMMITTED (the default) its next statements then see what the first one committed.
    SQLite has no row locks and ignores FOR UPDATE: writing the row (`touch`, a column set to itself) takes
    the database's single write lock, and a connection holding it reads the latest committed state (WAL
    refuses a stale snapshot a write).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(model).where(where).values({touch: touch}).execution_options(synchronize_session=False)
        )
    return session.scalars(
        select(model).where(where).with_for_update().execution_options(populate_existing=True)
    ).one()
