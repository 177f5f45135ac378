"""Revocations sent at once through a real multi-process server: the published status list loses no bit."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Credential
from badges.services.credentials import issuance
from badges.services.credentials.links import Links
from badges.services.crypto import statuslist
from badges.services.crypto.keyring import Keyring
from tests.factories import make_badge_class, make_beneficiary, make_issuer, make_staff
from tests.live_server import own_database, start_gunicorn

AWARDS, THREADS = 50, 10
PASSPHRASE = "test-passphrase"

# Awards are made at a fixed instant; the served app (own process, real clock) revokes them later.
ISSUED_AT = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with own_database("revocations", tmp_path) as url:
        yield url


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
    base_url = "https://badges.example.org"
    env = {
        "BADGES_DATABASE_URL": database_url,
        "BADGES_BASE_URL": base_url,
        "BADGES_KEYS_DIR": str(tmp_path / "keys"),
        "BADGES_KEY_PASSPHRASE": PASSPHRASE,
        "BADGES_SECRET_KEY": "test-secret",
        "BADGES_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    app = create_app({key.removeprefix("BADGES_"): value for key, value in env.items()} | {"TESTING": True})
    keyring, links = Keyring(tmp_path / "keys", PASSPHRASE.encode()), Links(base_url)
    with app.app_context():
        upgrade_schema(app)
        session, now = get_session(), ISSUED_AT
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
    """The README's gunicorn serving the setup's database (4 workers on PostgreSQL, 2 on SQLite); its URL."""
    workers = 4 if setup.env["BADGES_DATABASE_URL"].startswith("postgresql") else 2
    with start_gunicorn(setup.env, workers, logs=tmp_path) as server:
        yield server.url
    assert "Traceback" not in server.log(), server.log()[-3000:]


def _revoke(base_url: str, token: str, award: str) -> int:
    """POST the revocation; the status received (SQLite writers queue on the busy timeout: no 503)."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/awards/{award}/revoke",
        data=json.dumps({"reason": "Badge délivré par erreur."}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _published_bits(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        document = json.load(response)
    return statuslist.decode(document["credentialSubject"]["encodedList"])


def test_parallel_revocations_set_every_bit_of_the_published_list(setup: Setup, gunicorn: str) -> None:
    jobs = [(setup.tokens[n % THREADS], award) for n, award in enumerate(setup.awards)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(lambda job: _revoke(gunicorn, *job), jobs))
    assert outcomes == [200] * AWARDS, outcomes

    bits = _published_bits(f"{gunicorn}/status/{setup.slug}/1")
    with setup.app.app_context():
        indexes = list(get_session().scalars(select(Credential.status_index)))
    assert len(indexes) == AWARDS
    missing = [index for index in indexes if not statuslist.is_set(bits, index)]
    assert missing == [], f"{len(missing)} revoked credentials whose bit is not set"
    result = setup.app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0, result.output
