"""The interop tests' live service at https://badges.test, and the outside validators.

See docs/standards.md#S-validators.

The outside validators reach the service over real HTTP, as they would on a network: the `app` of these
tests is a second app of the session, whose BASE_URL is ``https://badges.test``, served by its own werkzeug
server on 127.0.0.1 behind ProxyFix, as a reverse proxy would serve it (``Host: badges.test``,
``X-Forwarded-Proto: https``). The `network` fixture gives that mapping to the validators and to the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer

from tests.apps import Dispatcher, empty_database, live_server, served_app
from tests.conftest import TEST_DATABASE_URL
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


@pytest.fixture(scope="session")
def interop_server() -> Iterator[tuple[BaseWSGIServer, Dispatcher]]:
    with live_server() as served:
        yield served


@pytest.fixture(scope="session")
def app(
    tmp_path_factory: pytest.TempPathFactory, interop_server: tuple[BaseWSGIServer, Dispatcher]
) -> Iterator[Flask]:
    """Overrides the suite's `app` here, so that `session`, `links`, `keyring`, `now` all use this one."""
    _, dispatcher = interop_server
    folder = tmp_path_factory.mktemp("badges-test")
    url = TEST_DATABASE_URL or f"sqlite:///{folder / 'interop.sqlite3'}"
    if url.startswith("postgresql"):
        url = empty_database(url, "badges_test")
    # PROXIES: served as behind a reverse proxy, ProxyFix reads Host / X-Forwarded-Proto.
    with served_app(dispatcher, url, folder, PUBLIC_BASE, PROXIES=1) as application:
        yield application


@pytest.fixture(scope="session")
def network(interop_server: tuple[BaseWSGIServer, Dispatcher]) -> Network:
    server, _ = interop_server
    return Network({PUBLIC_BASE: f"http://127.0.0.1:{server.server_port}"})


@pytest.fixture
def live_url(app: Flask, network: Network) -> str:
    """The public base URL of the service the validators fetch from (through `network`)."""
    return str(app.config["BASE_URL"])
