"""Real flows with logging captured at DEBUG: every line names its request, none holds personal data.

Sign-in, an invitation, a password reset, an award e-mailed through a real SMTP server, the private
page, a share link, verification by claim code and by the API with a token: the lines the app writes
(JSON, through badges/logs.py's handler) must carry the id of their request, and neither they nor the
messages of the app's own log calls (seen before the redaction filter) may hold an address, a name, a
token, a claim code, a password or a private link.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from badges import jobs, logs
from badges.services.accounts.users import create_token
from badges.services.credentials import sharing
from tests.web.staff.conftest import PASSWORD, post, sign_in, text

NEW = "une toute nouvelle phrase"
# Threads of the tests' own servers (aiosmtpd), which serve no request of the app.
OUTSIDE_THE_APP = ("mail.log", "asyncio")
_steps = itertools.count(1)


class RawHandler(logging.Handler):
    """The records as the app's log calls made them, before any filter rewrote them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("badges"):
            return
        parts = [record.getMessage(), json.dumps(logs.extras(record), default=str)]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        self.texts.append("\n".join(parts))


@dataclass
class Captured:
    app: Flask
    client: FlaskClient
    out: io.StringIO
    raw: RawHandler
    checked: list[tuple[str, str]] = field(default_factory=list)  # (step's request id, logger)

    def lines(self, start: int = 0) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.getvalue()[start:].splitlines()]

    @contextmanager
    def step(self) -> Iterator[str]:
        """Requests made in the block carry one id; the lines written meanwhile must all name it."""
        request_id = f"step-{next(_steps):02d}-{id(self):x}"
        start = len(self.out.getvalue())
        self.client.environ_base["HTTP_X_REQUEST_ID"] = request_id
        try:
            yield request_id
        finally:
            del self.client.environ_base["HTTP_X_REQUEST_ID"]
        assert jobs.wait(self.app), "an e-mail job is still pending"
        for line in self.lines(start):
            if line["logger"].startswith(OUTSIDE_THE_APP):
                continue
            assert line["request_id"] == request_id, line
            self.checked.append((request_id, line["logger"]))


@pytest.fixture
def captured(app: Flask, client: FlaskClient) -> Iterator[Captured]:
    root = logging.getLogger()
    out = io.StringIO()
    handler = logs.prepare_handler(logging.StreamHandler(out), "json")
    raw = RawHandler()
    level = root.level
    root.handlers.insert(0, raw)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield Captured(app, client, out, raw)
    finally:
        root.removeHandler(handler)
        root.removeHandler(raw)
        root.setLevel(level)


def path(url: str) -> str:
    return urlsplit(url).path


def sign_in_flows(captured: Captured, world: Any, smtp: Any) -> list[str]:
    """A refused and an accepted sign-in, an invitation accepted, a password reset; the secrets seen."""
    client = captured.client
    with captured.step():
        refused = post(client, "/staff/login", {"email": world.users["staff"].email, "password": "mauvais"})
        assert refused.status_code == 422
        sign_in(client, world.users["coordinator"])
    with captured.step():
        data = {"staff_name": "Inès Lebrun", "staff_email": "ines.lebrun@example.org"}
        assert post(client, f"/staff/network/{world.other_issuer.slug}/invite", data).status_code == 303
        post(client, "/staff/logout")
    invitation = smtp.link()
    with captured.step():
        assert "Bienvenue, Inès Lebrun." in text(client.get(path(invitation)))
        assert post(client, path(invitation), {"password": NEW, "confirm": NEW}).status_code == 303
        post(client, "/staff/logout")
    with captured.step():
        assert (
            post(client, "/staff/password/forgot", {"email": world.users["staff"].email}).status_code == 200
        )
    reset = smtp.link()
    with captured.step():
        assert client.get(path(reset)).status_code == 200
        assert post(client, path(reset), {"password": NEW, "confirm": NEW}).status_code == 303
    return [invitation.rsplit("/", 1)[1], reset.rsplit("/", 1)[1]]


def award_flows(captured: Captured, world: Any, session: Any, now: Any) -> list[str]:
    """The award e-mailed and handed over by the API, its private page, share link and claim code."""
    client, award = captured.client, world.award
    token = create_token(session, user=world.users["staff"], label="intégration", now=now)
    code = sharing.claim_code(session, credential=award, now=now)
    session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    link = f"/api/v1/beneficiaries/{award.beneficiary.public_id}/private-link"
    session.commit()  # no read transaction of the test's session left open while the e-mail job writes
    with captured.step():
        # 202: queued; the job sends it (its lines carry this step's request id)
        assert client.post(f"/api/v1/awards/{award.public_id}/send", headers=bearer).status_code == 202
        assert client.get("/api/v1/awards", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
        assert jobs.wait(client.application), "the e-mail job is still pending"
    session.commit()  # the requests share the test's session: no snapshot older than the job's writes
    with captured.step():
        answer = client.get(link, headers=bearer)
        assert answer.status_code == 200, answer.json
        private = answer.json["url"]
        page = client.get(path(private), headers={"Accept": "text/html"})
        assert page.status_code == 200
    with captured.step():
        _, share = sharing.create_link(session, credential=award, data={"duree": "1"}, now=now)
        session.commit()
        assert client.get(f"/partage/{share}", headers={"Accept": "text/html"}).status_code == 200
    with captured.step():
        formatted = sharing.format_code(code)
        checked = client.post("/verifier", data={"texte": formatted, "email": "Awa@Example.org"})
        assert "Badge valide" in text(checked)
        assert client.get(f"/code/{code}", headers={"Accept": "text/html"}).status_code in (200, 303)
        report = client.post("/api/v1/verify", json={"credential": json.loads(award.ob3_credential)}).json
        assert report["valid"] is True
    return [token, code, sharing.format_code(code), path(private).rsplit("/", 1)[1], share]


def test_no_personal_data_or_secret_in_any_log_line_and_every_line_names_its_request(
    captured, world, smtp, session, now
):
    secrets = [PASSWORD, NEW, "mauvais"]
    secrets += sign_in_flows(captured, world, smtp)
    secrets += award_flows(captured, world, session, now)
    people = [user.email for user in world.users.values()] + ["ines.lebrun@example.org", "awa@example.org"]
    names = ["Awa", "Inès", "Lebrun", "Camille"]
    # The test's SMTP server (aiosmtpd) logs what it receives at DEBUG: it is not the app.
    written = captured.out.getvalue().splitlines()
    lines = "\n".join(line for line in written if not json.loads(line)["logger"].startswith(OUTSIDE_THE_APP))
    events = [line["message"] for line in captured.lines()]
    for expected in ("staff sign-in refused", "staff signed in", "API token refused", "badge verified"):
        assert expected in events, events
    assert events.count("e-mail handed to the mail server") == 3  # invitation, reset, award
    assert len(captured.checked) >= 20, "each request wrote its debug line, with its id"
    for raw in captured.raw.texts:
        for known in [*secrets, *names]:
            assert known not in raw, (known, raw)
        for email in people:
            assert email.lower() not in raw.lower(), (email, raw)
    for known in [*secrets, *names]:
        assert known not in lines, known
    for email in people:
        assert email.lower() not in lines.lower(), email


def test_the_500_page_gives_the_incident_code_of_its_log_lines(app, client, captured, monkeypatch):
    def broken() -> str:
        raise RuntimeError("crashed while e-mailing camille@example.org with Bearer abcdef0123456789")

    monkeypatch.setitem(app.view_functions, "public.home", broken)
    with captured.step() as request_id:
        page = client.get("/", headers={"Accept": "text/html"})
        answer = client.get("/", headers={"Accept": "application/json"})
    assert page.status_code == 500 and page.headers["X-Request-ID"] == request_id
    assert f"Code de l'incident : {request_id}" in text(page)
    assert answer.json["error"]["request_id"] == request_id
    [error, *_] = [line for line in captured.lines() if line["message"] == "unhandled error"]
    assert error["request_id"] == request_id and error["route"] == "/"
    assert "RuntimeError: crashed while e-mailing [e-mail] with Bearer …" in error["exception"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("0123456789abcdef0123456789abcdef", True),  # nginx's $request_id
        ("123e4567-e89b-12d3-a456-426614174000", True),
        ("abc", False),  # too short to tell requests apart
        ("x" * 65, False),
        ("évident-mais-non", False),
        ("a b c d e f g h", False),
        ("line\r\nforged: yes", False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_any_other_replaced(client, sent, kept):
    response = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": sent})
    returned = response.headers["X-Request-ID"]
    assert (returned == sent) is kept
    if not kept:
        assert len(returned) == 16 and int(returned, 16) >= 0


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5
