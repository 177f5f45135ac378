"""One-statement reads on the pool's own DB-API connection, for the verifier's hot path (issue 17).

Verifying a badge of this service reads one row of its register. Through a SQLAlchemy `Connection`,
that read cost more than the rest of the verification (about 180 µs of a 650 µs request, measured with
bench/http_verify.py): the Connection's set-up, its execution context, the compiled-cache lookup, the
result object and the close. Here the statement is compiled once per dialect, and each call runs its SQL
text on the DB-API cursor, with the same conversions of parameters and columns that SQLAlchemy would
apply (the types' own bind and result processors), so a row reads the same either way
(tests/services/shared/test_rows.py compares them on both databases).

The connection comes from the engine's pool (a server database is pinged at checkout, as for any
request) and goes back to it at the request's teardown. A DB-API error is raised as SQLAlchemy's
`DBAPIError`, flagged as a lost connection when the dialect says so (the connection is then dropped from
the pool): the app's error handlers answer 503 or 500 exactly as for a read through SQLAlchemy.
Each statement is its own snapshot, read in autocommit: SQLite's connections always are
(db._sqlite_pragmas); a PostgreSQL connection is switched to it (psycopg's client-side flag) while the
reader holds it and switched back before it returns to the pool, so that a lookup costs one round trip
to the server, not three (BEGIN, the SELECT, the pool's ROLLBACK).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.pool import PoolProxiedConnection

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class Compiled:
    """A statement's SQL text for one dialect, with what its parameters and columns go through."""

    sql: str
    positional: tuple[str, ...] | None  # the bind names in order, or None for a named paramstyle
    constants: Mapping[str, Any]  # the statement's own bound values (a literal in a WHERE clause)
    binds: Mapping[str, Processor]
    columns: tuple[Processor | None, ...]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        merged = {**self.constants, **values}
        for name, process in self.binds.items():
            merged[name] = process(merged[name])
        if self.positional is None:
            return merged
        return tuple(merged[name] for name in self.positional)

    def row(self, raw: Any) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.columns, raw, strict=True)
        )


class Prepared:
    """A Core SELECT, compiled once per kind of database (SQL text, parameter order, type conversions)."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str, str], Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        key = (dialect.name, str(dialect.driver), str(dialect.paramstyle))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, dialect)
        return found


def _compile(statement: Select[Any], dialect: Dialect) -> Compiled:
    compiled = statement.compile(dialect=dialect)
    constants: dict[str, Any] = {}
    binds: dict[str, Processor] = {}
    for name, bind in compiled.binds.items():
        # Only plain binds: an IN list expands per call, and a named bind must be called by its key.
        assert not bind.expanding and (bind.value is not None or bind.callable or name == bind.key), name
        if bind.value is not None or bind.callable is not None:
            constants[name] = bind.effective_value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds[name] = process
    columns = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    positional = tuple(compiled.positiontup or ()) if compiled.positional else None
    return Compiled(compiled.string, positional, constants, binds, columns)


class Rows(Protocol):
    """Where a one-statement lookup is read: the request's pooled connection, or a session's own."""

    def first(self, prepared: Prepared, values: Mapping[str, Any]) -> tuple[Any, ...] | None: ...

    def scalars(self, prepared: Prepared, values: Mapping[str, Any]) -> list[Any]: ...


class ConnectionRows:
    """The same reads through a SQLAlchemy Connection (a session's, once it holds a transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def first(self, prepared: Prepared, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row = self.connection.execute(prepared.statement, dict(values)).first()
        return tuple(row) if row is not None else None

    def scalars(self, prepared: Prepared, values: Mapping[str, Any]) -> list[Any]:
        return list(self.connection.scalars(prepared.statement, dict(values)))


class PooledRows:
    """Reads on a DB-API connection checked out of the engine's pool on first use; `close` returns it."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect
        self._engine = engine
        # A server database's connection is put in autocommit while held (SQLite's always are).
        self._autocommit = engine.dialect.name != "sqlite"
        self._connection: PoolProxiedConnection | None = None
        # The SQL of each statement run, in order (no SQLAlchemy event sees them: tests and benches count).
        self.statements: list[str] = []

    def first(self, prepared: Prepared, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        compiled = prepared.compiled(self.dialect)
        raw = self._run(compiled, values, lambda cursor: cursor.fetchone())
        return compiled.row(raw) if raw is not None else None

    def scalars(self, prepared: Prepared, values: Mapping[str, Any]) -> list[Any]:
        compiled = prepared.compiled(self.dialect)
        process = compiled.columns[0]
        rows = self._run(compiled, values, lambda cursor: cursor.fetchall())
        return [row[0] if process is None else process(row[0]) for row in rows]

    @property
    def closed(self) -> bool:
        return self._connection is None

    def close(self) -> None:
        """Back to the pool, out of autocommit (a lost connection is discarded there)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._autocommit and connection.driver_connection is not None:
            try:
                connection.driver_connection.autocommit = False
            except self.dialect.loaded_dbapi.Error as error:  # gone meanwhile: not given back as it is
                connection.invalidate(error)
        connection.close()

    def _run(self, compiled: Compiled, values: Mapping[str, Any], fetch: Callable[[Any], Any]) -> Any:
        parameters = compiled.parameters(values)
        error_class = self.dialect.loaded_dbapi.Error
        try:
            connection = self.connection()
        except error_class as error:
            raise self._wrapped(error, None, None, compiled.sql, parameters) from error
        cursor = None
        self.statements.append(compiled.sql)
        try:
            cursor = connection.cursor()
            cursor.execute(compiled.sql, parameters)
            found = fetch(cursor)
            cursor.close()
            return found
        except error_class as error:
            if cursor is not None:
                with contextlib.suppress(error_class):
                    cursor.close()  # before the connection may be invalidated (closed) below
            raise self._wrapped(error, connection, cursor, compiled.sql, parameters) from error

    def connection(self) -> PoolProxiedConnection:
        """The connection the reads run on, checked out of the pool on first use."""
        if self._connection is None:
            connection = self._engine.raw_connection()
            if self._autocommit and connection.driver_connection is not None:
                connection.driver_connection.autocommit = True  # idle after checkout: no transaction open
            self._connection = connection
        return self._connection

    def _wrapped(self, error: Any, connection: Any, cursor: Any, sql: str, parameters: Any) -> StatementError:
        """SQLAlchemy's exception for a DB-API error, as Connection.execute raises it; a connection the
        dialect sees as lost is invalidated: the pool opens a new one for the next checkout."""
        dbapi_connection = connection.dbapi_connection if connection is not None else None
        lost = bool(self.dialect.is_disconnect(error, dbapi_connection, cursor))
        if lost and connection is not None:
            self._connection = None
            connection.invalidate(error)
        return DBAPIError.instance(
            sql, parameters, error, self.dialect.loaded_dbapi.Error, connection_invalidated=lost,
            dialect=self.dialect,
        )  # fmt: skip
