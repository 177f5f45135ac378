"""A database that cannot be reached: every request answers 503 (French page, JSON with a message code,
Retry-After), never a 500, and the same app serves again once the database is back.

On SQLite the outage is the database's folder moved away (new connections cannot open the file); the
PostgreSQL server stopped and started under load is tests/test_database_restart.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from badges import create_app
from badges.db import engine_of, get_session, is_lock_timeout, is_unavailable, upgrade_schema
from badges.models import Role
from badges.services.credentials.links import Links
from badges.services.holders import private_link
from badges.web.context import keyring
from tests.factories import make_award
from tests.web.staff.conftest import make_user, sign_in

MADE_AT = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
HTML = {"Accept": "text/html"}
FRENCH = "Le service est momentanément indisponible : réessayez dans quelques instants."
ENGLISH = "The service is temporarily unavailable: please try again in a moment."


@dataclass
class Instance:
    app: Flask
    folder: Path  # the database's folder
    staff: FlaskClient  # signed in
    pages: dict[str, str]

    def cut(self) -> None:
        """Move the database's folder away and drop the pooled connections: new ones cannot open it."""
        self.folder.rename(self.folder.with_name("ailleurs"))
        engine_of(self.app).dispose()

    def mend(self) -> None:
        self.folder.with_name("ailleurs").rename(self.folder)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    folder = tmp_path / "base"
    folder.mkdir()
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'badges.sqlite3'}",
         "KEYS_DIR": str(tmp_path / "keys"), "KEY_PASSPHRASE": "p", "SECRET_KEY": "s", "LINK_SECRET": "l",
         "BASE_URL": "https://badges.example.org"}
    )  # fmt: skip
    with app.app_context():
        upgrade_schema(app)
        session = get_session()
        award = make_award(session, keyring(), Links(app.config["BASE_URL"]), MADE_AT)
        assert award.beneficiary is not None
        token = private_link.private_token(session, beneficiary=award.beneficiary, secret=b"l", now=MADE_AT)
        staff = make_user(session, MADE_AT, Role.STAFF, issuer=award.issuer)
        session.commit()
        pages = {
            "holder": f"/mes-badges/{token}",
            "credential": f"/credentials/{award.public_id}",
            "staff": "/staff/",
        }
    client = app.test_client()
    sign_in(client, staff)
    try:
        yield Instance(app, folder, client, pages)
    finally:
        engine_of(app).dispose()


def assert_unavailable_page(response, text: str = FRENCH) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    assert text in response.get_data(as_text=True)


def test_pages_answer_503_in_french_with_retry_after_while_the_database_is_away(instance):
    instance.cut()
    public = instance.app.test_client()
    for name in ("holder", "credential"):
        assert_unavailable_page(public.get(instance.pages[name], headers=HTML))
    # A signed-in staff page: the account cannot be loaded, and the error page does not try again.
    assert_unavailable_page(instance.staff.get(instance.pages["staff"], headers=HTML))
    assert_unavailable_page(public.get(instance.pages["holder"] + "?lang=en", headers=HTML), ENGLISH)


def test_the_api_answers_503_with_a_message_code_while_the_database_is_away(instance):
    instance.cut()
    client = instance.app.test_client()
    response = client.get("/api/v1/badge-classes", headers={"Authorization": "Bearer inconnu"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "error": {
            "code": "unavailable",
            "message": FRENCH,
            "message_code": "database.unavailable",
            "request_id": response.headers["X-Request-ID"],
        }
    }
    document = client.get(instance.pages["credential"], headers={"Accept": "application/json"})
    assert document.status_code == 503 and document.get_json()["error"]["code"] == "unavailable"


def test_readyz_says_503_while_the_database_is_away_and_200_once_it_is_back(instance):
    client = instance.app.test_client()
    instance.cut()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"
    instance.mend()
    assert client.get("/readyz").status_code == 200


def test_the_same_app_serves_again_once_the_database_is_back(instance):
    public = instance.app.test_client()
    instance.cut()
    assert public.get(instance.pages["holder"], headers=HTML).status_code == 503
    instance.mend()
    assert public.get(instance.pages["holder"], headers=HTML).status_code == 200
    assert public.get(instance.pages["credential"]).status_code == 200
    assert instance.staff.get(instance.pages["staff"], headers=HTML).status_code == 200


def test_the_verifier_gives_no_verdict_while_its_database_is_away(instance):
    client = instance.app.test_client()
    document = client.get(instance.pages["credential"], headers={"Accept": "application/json"}).get_json()
    instance.cut()
    response = client.post("/api/v1/verify", json={"credential": document})
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"]["message_code"] == "database.unavailable"
    assert_unavailable_page(
        client.get(
            "/verifier",
            query_string={"url": "https://badges.example.org" + instance.pages["credential"]},
            headers=HTML,
        )
    )
    instance.mend()
    assert client.post("/api/v1/verify", json={"credential": document}).get_json()["valid"] is True


def wrapped(error: Exception, kind: type = OperationalError) -> Exception:
    return kind("SELECT 1", {}, error)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (wrapped(psycopg.OperationalError("connection refused")), True),  # no SQLSTATE: the client failed
        (wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),  # 57P01
        (wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")), True),  # 57P03
        (wrapped(psycopg.errors.ConnectionFailure("connection failure")), True),  # class 08
        (wrapped(psycopg.errors.TooManyConnections("too many clients")), True),  # 53300
        (wrapped(psycopg.errors.QueryCanceled("statement timeout")), False),  # 57014: a query
        (wrapped(psycopg.errors.UniqueViolation("duplicate key"), IntegrityError), False),
        (wrapped(psycopg.InterfaceError("bad use"), InterfaceError), False),
        (wrapped(sqlite3.OperationalError("unable to open database file")), True),
        (wrapped(sqlite3.OperationalError("database is locked")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_unavailable_means_a_server_or_file_that_cannot_serve_not_a_refused_statement(error, expected):
    assert is_unavailable(error) is expected


def test_a_dropped_connection_is_unavailable_whatever_its_error_and_a_lock_is_not():
    dropped = InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed"))
    dropped.connection_invalidated = True
    assert is_unavailable(dropped)
    locked = wrapped(sqlite3.OperationalError("database is locked"))
    assert is_lock_timeout(locked) and not is_unavailable(locked)
