"""Database engine and one session per request or CLI command (plain SQLAlchemy 2.0)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
EXTENSION = "badges.db"
WRITER = "badges.db.writer"
# Execution option read by the SQLite BEGIN listener: this connection's transaction will write.
WRITE_INTENT = "badges_writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., Any])


def make_engine(url: str, *, busy_timeout: float = 20) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL and a busy timeout so concurrent writers wait."""
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that has read and then writes gets SQLITE_BUSY at once, busy timeout or
    # not, whenever another worker committed in between (its snapshot is stale). BEGIN IMMEDIATE takes
    # the write lock up front, where the busy timeout is honoured: writers queue instead of failing.
    immediate = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT: SQLAlchemy emits BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def is_lock_timeout(exc: BaseException) -> bool:
    """SQLite's writer lock could not be had within the busy timeout ("database is locked")."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def writes(view: F) -> F:
    """Declare a GET view that stores something (a form signed on first request, a claim code)."""
    view.badges_writes = True  # type: ignore[attr-defined]
    return view


def reads(view: F) -> F:
    """Declare a POST view that never writes: it must not hold the write lock while fetching remotely."""
    view.badges_writes = False  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to the app; close the request session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"])
    app.extensions[EXTENSION] = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions[WRITER] = engine.execution_options(**{WRITE_INTENT: True})
    app.teardown_appcontext(_close_session)


def engine_of(app: Flask) -> Engine:
    factory: sessionmaker[Session] = app.extensions[EXTENSION]
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def get_session() -> Session:
    """The unit of work of the current request or command, created on first use."""
    if "db_session" not in g:
        bind = current_app.extensions[WRITER] if will_write() else engine_of(current_app)
        g.db_session = current_app.extensions[EXTENSION](bind=bind)
    session: Session = g.db_session
    return session


def will_write() -> bool:
    """CLI commands and POST/PUT/PATCH/DELETE write; a view may say otherwise (`writes`, `reads`)."""
    if not has_request_context():
        return click.get_current_context(silent=True) is not None
    view = current_app.view_functions.get(request.endpoint or "")
    declared: bool | None = getattr(view, "badges_writes", None)
    return declared if declared is not None else request.method not in SAFE_METHODS


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()


@functools.cache
def migration_scripts() -> ScriptDirectory:
    """The packaged migrations (read once per process): their heads are the revision the code expects."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS))


def alembic_config(url: str) -> Any:
    """An Alembic Config pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_schema(app: Flask, revision: str = "head") -> None:
    """Bring the database schema to `revision` (the app upgrades on `serve` and `db upgrade`)."""
    from alembic import command

    cfg = alembic_config(app.config["DATABASE_URL"])
    # The writer engine: on SQLite the lock is taken at BEGIN, so a running server's writes are waited for.
    with app.extensions[WRITER].begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
