"""Shared fixtures: one app per test session on SQLite or PostgreSQL, tables emptied between tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, text
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer

import badges.services.crypto.keyring
from badges.db import engine_of
from badges.models import Base, Credential
from badges.services.credentials.links import Links
from badges.services.crypto import pkcs8
from badges.services.crypto.keyring import Keyring
from tests.apps import JOBS, Dispatcher, empty_database, live_server, served_app
from tests.factories import make_award
from tests.pki import Pki, make_pki

TEST_DATABASE_URL = os.environ.get("BADGES_TEST_DATABASE_URL")


class RsaKeyPool:
    """Real RSA-2048 keys, generated once each and handed out in turn: most tests make two tiers-lieux,
    each with an RSA key, and generating one costs ~70 ms. The pool is larger than the number of keys any
    single test makes, so the keys of one test are always distinct (rotation, cross-issuer checks)."""

    SIZE = 48

    def __init__(self, generate: Any) -> None:
        self.generate, self.keys, self.turn = generate, [], 0

    def __call__(self, algorithm: str) -> Any:
        if algorithm != "RSA":
            return self.generate(algorithm)
        if len(self.keys) < self.SIZE:
            self.keys.append(self.generate(algorithm))
            return self.keys[-1]
        self.turn = (self.turn + 1) % self.SIZE
        return self.keys[self.turn]


@pytest.fixture(scope="session", autouse=True)
def rsa_key_pool() -> Iterator[RsaKeyPool]:
    pool = RsaKeyPool(badges.services.crypto.keyring.new_private_key)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(badges.services.crypto.keyring, "new_private_key", pool)
        yield pool


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Apps made by tests keep their generated secrets out of the checkout's instance/ folder."""
    folder = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BADGES_INSTANCE_PATH", str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def key_work_factor() -> Iterator[int]:
    """Key files are encrypted at a low PBKDF2 count in tests (each test writes and reads several keys, at
    ~0.1 s each at the production count); yields the production count for the tests that check it."""
    production = pkcs8.ITERATIONS
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pkcs8, "ITERATIONS", 1_000)
        yield production


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throw-away CA and server certificate (issuer.test, 127.0.0.1) for the local TLS servers."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def live_server_socket() -> Iterator[tuple[BaseWSGIServer, Dispatcher]]:
    with live_server() as served:
        yield served


@pytest.fixture(scope="session")
def app(
    tmp_path_factory: pytest.TempPathFactory, live_server_socket: tuple[BaseWSGIServer, Dispatcher]
) -> Iterator[Flask]:
    server, dispatcher = live_server_socket
    base = tmp_path_factory.mktemp("badges")
    url = TEST_DATABASE_URL or f"sqlite:///{base / 'test.sqlite3'}"
    if url.startswith("postgresql"):
        url = empty_database(url)
    with served_app(dispatcher, url, base, f"http://127.0.0.1:{server.server_port}") as application:
        yield application


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts from an empty schema (the app and its keys live for the whole session)."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    application.config["CLOCK"].frozen = None
    if JOBS in application.extensions:
        application.extensions[JOBS].settle()
    engine = engine_of(application)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    # DELETE, children first, on both databases: the tables hold a few rows, and PostgreSQL's TRUNCATE
    # of every table cost ~0.15 s per test (a new file per table), minutes over the suite.
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session inside an app context; tests commit when they want the web layer to see data."""
    from badges.db import get_session

    with app.app_context():
        db_session = get_session()
        yield db_session
        db_session.rollback()


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements the database is sent from here on, in order (`clear()` it to count afresh)."""
    seen: list[str] = []
    engine = session.get_bind()

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def keyring(app: Flask) -> Keyring:
    return Keyring(Path(app.config["KEYS_DIR"]), app.config["KEY_PASSPHRASE"].encode())


@pytest.fixture
def links(app: Flask) -> Links:
    return Links(app.config["BASE_URL"])


@pytest.fixture
def now(app: Flask) -> datetime:
    """A frozen instant, also used by the app's clock for the test's duration."""
    moment = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    app.config["CLOCK"].frozen = moment
    return moment


@pytest.fixture
def award(session: Session, keyring: Keyring, links: Links, now: datetime) -> Credential:
    """One award, committed so that requests (their own session) see it."""
    credential = make_award(session, keyring, links, now)
    session.commit()
    return credential


@pytest.fixture
def live_url(app: Flask) -> str:
    """The live server of the session serves this app at its BASE_URL (for outside validators)."""
    return str(app.config["BASE_URL"])
