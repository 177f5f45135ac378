"""SQLite under several writers: writing transactions wait for the lock, and a lock never had is a 503."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Agency

MADE_AT = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # any fixed instant: no test reads the wall clock


def sqlite_app(path: str, busy_timeout: float) -> Flask:
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "s", "LINK_SECRET": "l", "KEY_PASSPHRASE": "p",
         "SQLITE_BUSY_TIMEOUT": busy_timeout}
    )  # fmt: skip
    with app.app_context():
        upgrade_schema(app)
    return app


@pytest.fixture
def locked(tmp_path) -> Iterator[tuple[Flask, sqlite3.Connection]]:
    """An app whose database another process holds the write lock of (a long write elsewhere)."""
    path = tmp_path / "busy.sqlite3"
    app = sqlite_app(str(path), busy_timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield app, other
    other.close()
    engine_of(app).dispose()


def test_a_write_lock_not_had_in_time_answers_503_with_retry_after_in_json(locked):
    app, other = locked
    client = app.test_client()
    response = client.post("/api/v1/pathways", json={}, headers={"Authorization": "Bearer bdg_unknown"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"]["code"] == "busy"
    assert "réessayez dans quelques secondes" in response.json["error"]["message"]
    other.execute("COMMIT")
    again = client.post("/api/v1/pathways", json={}, headers={"Authorization": "Bearer bdg_unknown"})
    assert again.status_code == 401


def test_a_write_lock_not_had_in_time_answers_503_with_retry_after_in_html(locked):
    app, _ = locked
    response = app.test_client().post(
        f"/mes-badges/{'x' * 43}/abc/visibilite", headers={"Accept": "text/html"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    assert "Le service est très occupé" in response.get_data(as_text=True)


def test_a_writer_that_read_before_another_committed_waits_instead_of_failing(tmp_path):
    """The failure of deferred transactions: read, someone else commits, then write = SQLITE_BUSY at once."""
    app = sqlite_app(str(tmp_path / "two.sqlite3"), busy_timeout=10)
    has_read, errors = threading.Event(), []

    def request(name: str, *, read_first: bool) -> None:
        try:
            with app.test_request_context("/api/v1/agencies", method="POST"):
                session = get_session()
                if read_first:
                    session.scalar(select(func.count(Agency.id)))
                    has_read.set()
                    threading.Event().wait(0.3)  # the other request tries to write meanwhile
                else:
                    has_read.wait(5)
                session.add(Agency(name=name, created_at=MADE_AT))
                session.commit()
        except Exception as exc:  # reported below: the test must show which request failed
            errors.append(f"{name}: {exc}")

    threads = [
        threading.Thread(target=request, args=("first",), kwargs={"read_first": True}),
        threading.Thread(target=request, args=("second",), kwargs={"read_first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    with app.app_context():
        assert get_session().scalar(select(func.count(Agency.id))) == 2
    engine_of(app).dispose()
