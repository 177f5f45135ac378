"""The interop tests' live service at https://badges.test, and the outside validators (standards README C7).

The outside validators reach the service over real HTTP, as they would on a network: the `app` of these
tests is a second app of the session, whose BASE_URL is ``https://badges.test``, served by its own werkzeug
server on 127.0.0.1 behind ProxyFix, as a reverse proxy would serve it (``Host: badges.test``,
``X-Forwarded-Proto: https``). The `network` fixture gives that mapping to the validators and to the tests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import BaseWSGIServer, make_server

from badges import create_app
from badges.db import engine_of, upgrade_schema
from tests.conftest import TEST_DATABASE_URL, Clock, Dispatcher
from tests.interop import harness
from tests.interop.network import Network

PUBLIC_BASE = "https://badges.test"


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tools/interop with node_modules installed by npm ci (skipped only if the registry is unreachable)."""
    return harness.ensure_node_tools()


@pytest.fixture(scope="session")
def ob2_venv() -> Path:
    """The python of the OB 2.0 validator venv; skipped only when PyPI is unreachable."""
    return harness.ensure_ob2_venv()


def _own_postgres_database(url: str) -> str:
    """`<name>_badges_test` (under xdist `<name>_badges_test_gw0`, ...), created once, emptied per session."""
    base = make_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base.database}_badges_test" + (f"_{worker}" if worker else "")
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


@pytest.fixture(scope="session")
def interop_server() -> Iterator[tuple[BaseWSGIServer, Dispatcher]]:
    dispatcher = Dispatcher()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, dispatcher
    server.shutdown()


@pytest.fixture(scope="session")
def app(
    tmp_path_factory: pytest.TempPathFactory, interop_server: tuple[BaseWSGIServer, Dispatcher]
) -> Iterator[Flask]:
    """Overrides the suite's `app` here, so that `session`, `links`, `keyring`, `now` all use this one."""
    _, dispatcher = interop_server
    folder = tmp_path_factory.mktemp("badges-test")
    url = TEST_DATABASE_URL or f"sqlite:///{folder / 'interop.sqlite3'}"
    if url.startswith("postgresql"):
        url = _own_postgres_database(url)
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "BASE_URL": PUBLIC_BASE,
            "PROXIES": 1,  # served as behind a reverse proxy: ProxyFix reads Host / X-Forwarded-Proto
            "KEYS_DIR": str(folder / "keys"),
            "KEY_PASSPHRASE": "test-passphrase",
            "SECRET_KEY": "test-secret",
            "CLOCK": Clock(),
        }
    )
    with application.app_context():
        upgrade_schema(application)
    dispatcher.app = application
    yield application
    dispatcher.app = None
    engine_of(application).dispose()


@pytest.fixture(scope="session")
def network(interop_server: tuple[BaseWSGIServer, Dispatcher]) -> Network:
    server, _ = interop_server
    return Network({PUBLIC_BASE: f"http://127.0.0.1:{server.server_port}"})


@pytest.fixture
def live_url(app: Flask, network: Network) -> str:
    """The public base URL of the service the validators fetch from (through `network`)."""
    return str(app.config["BASE_URL"])
