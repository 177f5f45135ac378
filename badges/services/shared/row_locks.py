"""A row's write lock, held until the transaction ends: two requests doing the same thing to the same row
queue one behind the other instead of racing (a double click, a page sent twice)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session


def lock(session: Session, where: ColumnElement[bool], *, touch: InstrumentedAttribute[Any]) -> None:
    """Lock the row of `touch`'s table that `where` selects.

    PostgreSQL: `SELECT ... FOR UPDATE`; under READ COMMITTED (the default) the second writer's next
    statements see what the first one committed. SQLite has no row locks and ignores FOR UPDATE: writing
    `touch` to itself takes the database's single write lock (as status_lists.lock does)."""
    if session.get_bind().dialect.name == "sqlite":
        touched = update(touch.class_).where(where).values({touch: touch})
        session.execute(touched.execution_options(synchronize_session=False))
    session.execute(select(touch).where(where).with_for_update())
