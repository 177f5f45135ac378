"""In-process services for the suite: a database per xdist worker, a live werkzeug server, an app on it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from huey.exceptions import CancelExecution
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from badges import create_app
from badges.db import EXTENSION, WRITER, engine_of, upgrade_schema
from badges.jobs.queue import queue_of
from badges.jobs.worker import start_in_process, stop_in_process

JOBS = "tests.jobs"


class CommandRunner(FlaskCliRunner):
    """Runs each command in an app context of its own, as `badges …` does. Otherwise the command would
    reuse the test's context and its session, opened outside any command, so without the write intent:
    on SQLite its deferred transaction fails at once ("database is locked") when a job thread commits
    between its first read and its first write, where a command's BEGIN IMMEDIATE waits its turn."""

    def invoke(self, cli: Any = None, args: Any = None, **kwargs: Any) -> Any:
        with self.app.app_context():
            return super().invoke(cli, args, **kwargs)


def writing_session(app: Flask) -> Session:
    """A session of its own that writes, as a POST's: on SQLite its BEGIN IMMEDIATE waits for another
    writer's commit (concurrency tests run two of them in two threads)."""
    session: Session = app.extensions[EXTENSION](bind=app.extensions[WRITER])
    return session


def race_two_writers(
    app: Flask,
    first: Callable[[Session], object],
    second: Callable[[Session], object],
    refused: type[Exception],
) -> object:
    """`first` in a writing session and, while its transaction is still open, `second` in another, in a
    thread (it has to wait for the first); then the first commits, and the second commits unless it raised
    `refused`. What the second gave: its return value, or the exception."""
    one, two = writing_session(app), writing_session(app)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(second(two))
            two.commit()
        except refused as exc:
            two.rollback()
            outcome.append(exc)

    try:
        first(one)
        other = threading.Thread(target=run)
        other.start()
        other.join(0.5)  # it waits on the first's uncommitted rows (on SQLite, for the write lock)
        one.commit()
        other.join(30)
    finally:
        one.close()
        two.close()
    assert len(outcome) == 1, "the second writer did not finish"
    return outcome[0]


class Clock:
    """The app's clock: real time unless a test freezes it."""

    def __init__(self) -> None:
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen or datetime.now(UTC)


class Dispatcher:
    """Lets the live server bind its port before the app (whose BASE_URL needs that port) exists."""

    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@contextmanager
def live_server() -> Iterator[tuple[BaseWSGIServer, Dispatcher]]:
    """A threaded werkzeug server on 127.0.0.1 (free port), serving whatever app the dispatcher is given."""
    dispatcher = Dispatcher()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server, dispatcher
    finally:
        server.shutdown()


def empty_database(url: str, purpose: str = "") -> str:
    """A PostgreSQL database of its own next to `url` (`<name>[_purpose][_gwN]`), made once and emptied."""
    base = make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = "_".join(part for part in (str(base.database), purpose, worker) if part)
    if name != base.database:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    own = base.set(database=name)
    engine = create_engine(own)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return own.render_as_string(hide_password=False)


class JobsBetweenTests:
    """A job runs between two requests, never during one, and never in a later test than its own (tests
    only).

    A test's `session` fixture pushes an app context that the test client's requests reuse (Flask does),
    so they share its session, a SQLite reader: had the worker committed between such a request's read
    and its write, SQLite would refuse the write at once (its snapshot is stale). In production each
    request has its own session, and a writer takes the lock at its start (badges/db.py).
    A job left queued or retrying by one test (its rows deleted after it) would run during the next test's
    set-up, whose session is a reader too: `settle` waits for the running job and drops the others."""

    def __init__(self, application: Flask) -> None:
        self.lock = threading.RLock()
        self.generation = 0
        self.born: dict[str, int] = {}  # task id -> the generation (test) that first queued it
        inner = application.wsgi_app

        def serialized(environ: dict[str, Any], start_response: Any) -> Any:
            with self.lock:
                return inner(environ, start_response)

        application.wsgi_app = serialized  # type: ignore[method-assign]
        self.huey = queue_of(application).huey
        enqueue = self.huey.enqueue

        def enqueue_noting_its_test(task: Any) -> Any:
            self.born.setdefault(task.id, self.generation)  # a retry keeps its first test
            return enqueue(task)

        self.huey.enqueue = enqueue_noting_its_test  # type: ignore[method-assign]
        self.huey.pre_execute()(self._take)
        self.huey.post_execute()(self._give_back)

    def _take(self, task: Any) -> None:
        self.lock.acquire()
        if self.born.get(task.id, self.generation) != self.generation:
            self.lock.release()  # huey calls no post_execute hook for a task cancelled here
            raise CancelExecution(retry=False)

    def _give_back(self, task: Any, task_value: Any, exc: Any) -> None:
        self.lock.release()

    def settle(self) -> None:
        """End of a test: once the job running now is done, what is queued or scheduled is dropped, and a
        task already taken by the worker is cancelled when it starts."""
        with self.lock:
            self.generation += 1
            self.huey.flush()


@contextmanager
def served_app(
    dispatcher: Dispatcher, database_url: str, folder: Path, base_url: str, **config: Any
) -> Iterator[Flask]:
    """An app on `database_url` (schema upgraded), keys under `folder`, served by `dispatcher` meanwhile."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "BASE_URL": base_url,
            "KEYS_DIR": str(folder / "keys"),
            "KEY_PASSPHRASE": "test-passphrase",
            "SECRET_KEY": "test-secret",
            "LINK_SECRET": "test-link-secret",
            "CLOCK": Clock(),
            # Jobs run in a worker thread of this process (a real huey consumer), retried within a second.
            "QUEUE_URL": "memory://",
            "JOBS_IN_PROCESS": 1,
            "QUEUE_POLL_MAX": 0.05,
            "JOB_RETRY_DELAY": 0.2,
            **config,
        }
    )
    application.test_cli_runner_class = CommandRunner
    with application.app_context():
        upgrade_schema(application)
    if application.config["JOBS_IN_PROCESS"]:
        application.extensions[JOBS] = JobsBetweenTests(application)
        start_in_process(application)
    dispatcher.app = application
    try:
        yield application
    finally:
        dispatcher.app = None
        stop_in_process(application)
        engine_of(application).dispose()
