"""Database engine and one session per request or CLI command (plain SQLAlchemy 2.0)."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from badges.services.shared.rows import PooledRows

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
EXTENSION = "badges.db"
WRITER = "badges.db.writer"
# Execution option read by the SQLite BEGIN listener: this connection's transaction will write.
WRITE_INTENT = "badges_writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., Any])
# SQLSTATEs of a PostgreSQL server that cannot serve now (PostgreSQL manual, appendix A): connection
# exceptions (class 08), shutting down or starting up (57P01 admin_shutdown, 57P02 crash_shutdown,
# 57P03 cannot_connect_now), too many connections (53300).
UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
# SQLite's own: the file (or its folder) cannot be opened, the disk under it fails.
SQLITE_UNAVAILABLE = ("unable to open database file", "disk I/O error")
log = logging.getLogger(__name__)


def make_engine(url: str, *, busy_timeout: float = 20, connect_timeout: int = 5) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL and a busy timeout so concurrent writers wait.

    A server database gets a ping before each checkout (a connection the server dropped, after a restart
    for instance, is replaced instead of failing the request) and a bounded connect time (a server that
    does not answer fails the request with 503 instead of holding a worker).
    """
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": connect_timeout}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that has read and then writes gets SQLITE_BUSY at once, busy timeout or
    # not, whenever another worker committed in between (its snapshot is stale). BEGIN IMMEDIATE takes
    # the write lock up front, where the busy timeout is honoured: writers queue instead of failing.
    options = connection.get_execution_options()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_INTENT, False) else "BEGIN")


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


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached or dropped the connection: down, restarting, or cut off.

    SQLAlchemy flags a dropped connection (`connection_invalidated`, and it empties the pool of the
    connections made before); a failed connect is an OperationalError with a connection SQLSTATE, or none
    at all when the client itself failed (connection refused, timed out).
    """
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc.orig, sqlite3.Error):
        return any(text in str(exc.orig) for text in SQLITE_UNAVAILABLE)
    state = getattr(exc.orig, "sqlstate", "")
    if state is None:
        return isinstance(exc, OperationalError)
    return isinstance(state, str) and state.startswith(UNAVAILABLE_STATES)


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
    engine = make_engine(
        app.config["DATABASE_URL"],
        busy_timeout=app.config["SQLITE_BUSY_TIMEOUT"],
        connect_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
    )
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


def read_rows() -> PooledRows:
    """The request's reader for one-statement lookups (badges/services/shared/rows.py), created on first
    use and closed at teardown: the verifier's register read without an ORM Session or a Core Connection
    (issue 17, HTTP profile). Its errors are SQLAlchemy's (a lock or a lost server is a 503, as ever)."""
    if "db_reader" not in g:
        g.db_reader = PooledRows(engine_of(current_app))
    rows: PooledRows = g.db_reader
    return rows


def will_write() -> bool:
    """CLI commands and POST/PUT/PATCH/DELETE write; a view may say otherwise (`writes`, `reads`)."""
    if not has_request_context():
        return click.get_current_context(silent=True) is not None
    view = current_app.view_functions.get(request.endpoint or "")
    declared: bool | None = getattr(view, "badges_writes", None)
    return declared if declared is not None else request.method not in SAFE_METHODS


def discard_session() -> None:
    """End the request's unit of work after a database failure: roll back what the connection still
    holds, and forget the session, so whatever the request uses next (its error page) starts afresh."""
    _close_reader()
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()
        session.close()
    except SQLAlchemyError as exc:
        # The connection is gone with its transaction: nothing was stored, nothing is left to undo.
        log.warning("the session of a failed request could not be rolled back (%s)", type(exc).__name__)
        session.invalidate()


def _close_reader() -> None:
    rows: PooledRows | None = g.pop("db_reader", None)
    if rows is not None:
        rows.close()  # back to the pool, out of autocommit; a lost connection was invalidated already


def _close_session(exc: BaseException | None) -> None:
    _close_reader()
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        if exc is not None:
            session.rollback()
        session.close()
    except SQLAlchemyError as error:
        # The server dropped the connection meanwhile (a restart): the response is already made, and the
        # dead connection must not go back to the pool. The error's text may name the server: not logged.
        log.warning("the session of a request could not be closed cleanly (%s)", type(error).__name__)
        session.invalidate()


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
