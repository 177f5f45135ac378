"""`/healthz` and `/readyz`: what a load balancer or a supervisor asks, answered without a secret."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import text

from badges import create_app
from badges.db import alembic_config, engine_of, get_session, upgrade_schema
from badges.services.credentials.links import Links
from badges.web.context import keyring
from tests.factories import make_issuer
from tests.live_server import own_database
from tests.mailbox import free_port

MADE_AT = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
PASSPHRASE = "health-passphrase-9f3c"


@contextmanager
def own_app(
    database_url: str, folder: Path, passphrase: str = PASSPHRASE, queue: str | None = None
) -> Iterator[Flask]:
    """An app of the test's own (its database, key folder and queue), the schema at the code's head."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "KEYS_DIR": str(folder / "keys"),
         "KEY_PASSPHRASE": passphrase, "SECRET_KEY": "s", "LINK_SECRET": "l",
         "QUEUE_URL": queue or f"sqlite:///{folder / 'queue.sqlite3'}",
         "QUEUE_NAME": f"badges-test-{uuid.uuid4().hex}"}
    )  # fmt: skip
    with app.app_context():
        upgrade_schema(app)
    try:
        yield app
    finally:
        engine_of(app).dispose()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with own_database("health", tmp_path) as url:
        yield url


def with_an_issuer(app: Flask) -> None:
    """A tiers-lieu: its two keys in force are written in the app's key folder."""
    with app.app_context():
        make_issuer(get_session(), keyring(), Links("https://badges.example.org"), MADE_AT)
        get_session().commit()


def readyz(app: Flask) -> tuple[int, dict[str, Any], str]:
    response = app.test_client().get("/readyz")
    raw = response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return response.status_code, json.loads(raw), raw


def assert_no_secret(app: Flask, raw: str) -> None:
    url = str(app.config["DATABASE_URL"])
    for secret in (PASSPHRASE, url, url.split("///")[-1], str(app.config["KEYS_DIR"]), "Traceback", "/tmp"):
        assert secret not in raw


def test_healthz_answers_while_the_process_is_up_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_database_schema_and_keys_are(database, tmp_path):
    with own_app(database, tmp_path) as app:
        everything_ok = {"database": "ok", "migrations": "ok", "keys": "ok", "queue": "ok"}
        assert readyz(app)[:2] == (200, {"status": "ok", "checks": everything_ok})
        with_an_issuer(app)
        status, body, raw = readyz(app)
        assert status == 200, body
        assert body["checks"]["keys"] == "ok"
        assert_no_secret(app, raw)


def test_readyz_names_migrations_when_the_database_is_one_step_behind(database, tmp_path):
    with own_app(database, tmp_path) as app:
        with engine_of(app).begin() as connection:
            cfg = alembic_config(database)
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "-1")
        status, body, raw = readyz(app)
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["checks"] == {
            "database": "ok",
            "migrations": "behind",
            "keys": "not_checked",
            "queue": "ok",
        }
        assert_no_secret(app, raw)
        with app.app_context():
            upgrade_schema(app)
        assert readyz(app)[0] == 200


def test_readyz_names_a_revision_the_code_does_not_know(database, tmp_path):
    """The database was migrated by a newer version of the code (a rolled-back deployment)."""
    with own_app(database, tmp_path) as app:
        with engine_of(app).begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
        status, body, _ = readyz(app)
    assert status == 503
    assert body["checks"]["migrations"] == "unknown_revision"


def test_readyz_says_unreachable_when_the_database_does_not_answer(tmp_path):
    path = tmp_path / "badges.sqlite3"
    with own_app(f"sqlite:///{path}", tmp_path) as app:
        engine_of(app).dispose()
        for file in tmp_path.glob("badges.sqlite3*"):
            file.unlink()
        path.mkdir()  # a folder where the database file was: SQLite cannot open it
        status, body, raw = readyz(app)
    assert status == 503
    checks = {"database": "unreachable", "migrations": "not_checked", "keys": "not_checked", "queue": "ok"}
    assert body["checks"] == checks
    assert_no_secret(app, raw)


@pytest.mark.parametrize("breakage", ["wrong passphrase", "key file removed", "key folder emptied"])
def test_readyz_fails_on_keys_it_cannot_read(database, tmp_path, breakage):
    with own_app(database, tmp_path) as app:
        with_an_issuer(app)
    keys = tmp_path / "keys"
    files = sorted(keys.iterdir())
    assert len(files) == 2  # the tiers-lieu's Ed25519 and RSA keys
    passphrase = PASSPHRASE
    if breakage == "wrong passphrase":
        passphrase = "not-the-passphrase"
    elif breakage == "key file removed":
        files[0].unlink()
    else:
        for file in files:
            file.unlink()
    with own_app(database, tmp_path, passphrase) as app:  # a new process: nothing decrypted yet
        status, body, raw = readyz(app)
    assert status == 503
    assert body["checks"] == {"database": "ok", "migrations": "ok", "keys": "unreadable", "queue": "ok"}
    assert_no_secret(app, raw)
    assert "not-the-passphrase" not in raw and files[0].name not in raw


# Redis on the machine: a database number of the tests' own, a queue name per test (own_app).
REDIS_TEST_URL = "redis://127.0.0.1:6379/7"


def test_readyz_reaches_a_redis_queue(database, tmp_path):
    with own_app(database, tmp_path, queue=REDIS_TEST_URL) as app:
        status, body, raw = readyz(app)
    assert status == 200 and body["checks"]["queue"] == "ok"
    assert "6379" not in raw


def test_readyz_says_unreachable_when_the_redis_queue_does_not_answer(database, tmp_path):
    with own_app(database, tmp_path, queue=f"redis://127.0.0.1:{free_port()}/7") as app:
        status, body, raw = readyz(app)
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "keys": "ok", "queue": "unreachable"}
    assert "redis" not in raw and "Traceback" not in raw
