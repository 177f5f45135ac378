"""Revocations sent at once through a real multi-process server: the published status list loses no bit."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Credential
from badges.services.credentials import issuance
from badges.services.credentials.links import Links
from badges.services.crypto import statuslist
from badges.services.crypto.keyring import Keyring
from tests.factories import make_badge_class, make_beneficiary, make_issuer, make_staff

ROOT = Path(__file__).resolve().parents[2]
AWARDS, THREADS = 50, 10
PASSPHRASE = "test-passphrase"
# SQLite answers 503 while another process holds its write lock (a client retries); never a 500.
RETRIED, MAX_TRIES = {503}, 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of this test's own: a new PostgreSQL database next to the suite's, or an SQLite file."""
    suite_url = os.environ.get("BADGES_TEST_DATABASE_URL", "")
    if not suite_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'revocations.sqlite3'}"
        return
    base = make_url(suite_url)
    name = f"{base.database}_revocations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Setup:
    app: Flask
    env: dict[str, str]
    slug: str
    tokens: list[str]
    awards: list[str]


@pytest.fixture
def setup(database_url: str, tmp_path: Path) -> Iterator[Setup]:
    """One issuer (one status list), AWARDS credentials, one API token per thread."""
    base_url = f"http://127.0.0.1:{_free_port()}"
    env = {
        "BADGES_DATABASE_URL": database_url,
        "BADGES_BASE_URL": base_url,
        "BADGES_KEYS_DIR": str(tmp_path / "keys"),
        "BADGES_KEY_PASSPHRASE": PASSPHRASE,
        "BADGES_SECRET_KEY": "test-secret",
    }
    app = create_app({key.removeprefix("BADGES_"): value for key, value in env.items()} | {"TESTING": True})
    keyring, links = Keyring(tmp_path / "keys", PASSPHRASE.encode()), Links(base_url)
    with app.app_context():
        upgrade_schema(app)
        session, now = get_session(), datetime.now(UTC)
        issuer = make_issuer(session, keyring, links, now)
        badge = make_badge_class(session, issuer, now)
        # One token per thread: a shared token's last_used_at update would serialise the requests.
        tokens = [make_staff(session, issuer, now)[1] for _ in range(THREADS)]
        people = [make_beneficiary(session, issuer, now, email=f"p{n}@example.org") for n in range(AWARDS)]
        awards = [
            issuance.award(session, keyring, badge_class=badge, beneficiary=p, links=links, now=now).public_id
            for p in people
        ]
        session.commit()
        slug = issuer.slug
    yield Setup(app, env, slug, tokens, awards)
    engine_of(app).dispose()


@pytest.fixture
def gunicorn(setup: Setup, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the setup's database (4 workers on PostgreSQL, 2 on SQLite); its base URL."""
    workers = 4 if setup.env["BADGES_DATABASE_URL"].startswith("postgresql") else 2
    base_url = setup.env["BADGES_BASE_URL"]
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        base_url[7:],
        "wsgi:app",
    ]
    log = tmp_path / "gunicorn.log"
    # The log goes to a file: an unread pipe would fill up and block the workers.
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **setup.env}, stderr=output)
    try:
        _wait_until_up(f"{base_url}/status/{setup.slug}/1", process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:  # refused before the bind, or no worker ready yet
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer in 60 s")


def _revoke(base_url: str, token: str, award: str) -> list[int]:
    """POST the revocation, retrying what a client retries; every status received, in order."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/awards/{award}/revoke",
        data=json.dumps({"reason": "Badge délivré par erreur."}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    statuses: list[int] = []
    while len(statuses) < MAX_TRIES:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
        if statuses[-1] not in RETRIED:
            break
        time.sleep(0.05 * len(statuses))
    return statuses


def _published_bits(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        document = json.load(response)
    return statuslist.decode(document["credentialSubject"]["encodedList"])


def test_parallel_revocations_set_every_bit_of_the_published_list(setup: Setup, gunicorn: str) -> None:
    jobs = [(setup.tokens[n % THREADS], award) for n, award in enumerate(setup.awards)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(lambda job: _revoke(gunicorn, *job), jobs))
    assert [statuses[-1] for statuses in outcomes] == [200] * AWARDS, outcomes
    assert all(set(statuses) <= RETRIED | {200} for statuses in outcomes), outcomes

    bits = _published_bits(f"{gunicorn}/status/{setup.slug}/1")
    with setup.app.app_context():
        indexes = list(get_session().scalars(select(Credential.status_index)))
    assert len(indexes) == AWARDS
    missing = [index for index in indexes if not statuslist.is_set(bits, index)]
    assert missing == [], f"{len(missing)} revoked credentials whose bit is not set"
    result = setup.app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
