"""Fixtures of the staff web tests: one account per role, signing in, CSRF tokens, a real SMTP server."""

from __future__ import annotations

import functools
import html
import itertools
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from badges import jobs
from badges.models import Agency, Credential, Issuer, Job, Role, User
from badges.services.accounts.users import create_user
from badges.services.credentials import signing_keys
from tests.factories import (
    enrol,
    make_agency,
    make_atelier,
    make_award,
    make_flag,
    make_issuer,
    make_pathway,
)

PASSWORD = "correct horse battery"
TOKEN = "test-csrf-token"
_numbers = itertools.count(1)


@dataclass
class World:
    """Two tiers-lieux, an award in the first one, and one signed-in-able account per role."""

    issuer: Issuer
    other_issuer: Issuer
    award: Credential
    key_id: str
    users: dict[str, User] = field(default_factory=dict)
    # Programme data of the first tiers-lieu (the award's beneficiary is enrolled in the pathway).
    pathway_id: str = ""
    atelier_id: str = ""
    # An open review flag on the award (a later evaluation lowered one of its results).
    flag_id: str = ""
    # A bulk issuance job of the first tiers-lieu (nothing to sign): its progress page.
    bulk_id: int = 0
    # A finished beneficiary import job of the first tiers-lieu: its progress page.
    import_id: int = 0


@functools.cache
def password_hash() -> str:
    """Cheap argon2 parameters (verification reads them from the hash): every test signs in."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def make_user(
    session: Session, now: datetime, role: Role, *, issuer: Issuer | None = None, agency: Agency | None = None
) -> User:
    user = create_user(
        session,
        email=f"{role.value}{next(_numbers)}@example.org",
        name=f"Camille {role.value}",
        role=role,
        issuer=issuer,
        password=None,
        now=now,
    )
    user.agency = agency
    user.password_hash = password_hash()
    return user


@pytest.fixture
def world(session, keyring, links, now) -> World:
    award = make_award(session, keyring, links, now)
    other = make_issuer(session, keyring, links, now)
    users = {
        "staff": make_user(session, now, Role.STAFF, issuer=award.issuer),
        "other_staff": make_user(session, now, Role.STAFF, issuer=other),
        "coordinator": make_user(session, now, Role.COORDINATOR),
        "counsellor": make_user(session, now, Role.COUNSELLOR, agency=make_agency(session, now)),
    }
    key_id = signing_keys.published_keys(session, issuer=award.issuer)[0].public_id
    pathway = make_pathway(session, award.issuer, now)
    atelier = make_atelier(session, pathway, now)
    assert award.beneficiary is not None
    enrol(session, pathway, now, award.beneficiary)
    flag = make_flag(session, award, now)
    bulk = Job(kind="bulk-issue", key=f"bulk-issue:world{next(_numbers)}", state="done", created_at=now,
               updated_at=now, payload={"issuer": award.issuer.id, "pairs": []},
               progress_total=0)  # fmt: skip
    session.add(bulk)
    imported = Job(kind="beneficiary-import", key=f"beneficiary-import:world{next(_numbers)}", state="done",
                   created_at=now, updated_at=now, payload={"issuer": award.issuer.id, "items": 0},
                   progress_total=0)  # fmt: skip
    session.add(imported)
    session.commit()
    return World(
        award.issuer,
        other,
        award,
        key_id,
        users,
        pathway.public_id,
        atelier.public_id,
        flag.public_id,
        bulk.id,
        imported.id,
    )


def form_token(client: FlaskClient) -> str:
    """Put a known CSRF token in the client's session (as a rendered form would)."""
    with client.session_transaction() as stored:
        stored.setdefault("csrf", TOKEN)
        return str(stored["csrf"])


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A form submission with the session's CSRF token."""
    return client.post(url, data={"csrf_token": form_token(client), **(data or {})}, **kwargs)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> Any:
    response = post(client, "/staff/login", {"email": user.email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


@pytest.fixture
def staff(client: FlaskClient, world: World) -> FlaskClient:
    """The client, signed in as the tiers-lieu's staff member."""
    sign_in(client, world.users["staff"])
    return client


@pytest.fixture
def as_role(client: FlaskClient, world: World):
    """as_role("staff") signs the client in with that role's account and returns the client."""

    def signed(role: str) -> FlaskClient:
        sign_in(client, world.users[role])
        return client

    return signed


def text(response: Any) -> str:
    """The page's text without tags, spaces collapsed (for French sentences split over lines)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


class Inbox:
    """Messages received by the aiosmtpd server, once the app's mail sent after a response has left."""

    def __init__(self, app: Flask) -> None:
        self.app, self.received = app, []

    @property
    def messages(self) -> list[EmailMessage]:
        assert jobs.wait(self.app), "a mail sent after the response is still pending"
        return self.received

    def body(self, index: int = -1) -> str:
        part = self.messages[index].get_body(preferencelist=("plain",))
        assert isinstance(part, EmailMessage)
        return str(part.get_content())

    def link(self, index: int = -1) -> str:
        found = re.search(r"https?://\S+/staff/\S+", self.body(index))
        assert found, self.body(index)
        return found.group(0)


class Receiver:
    """The aiosmtpd handler (apart from the Inbox: aiosmtpd reads every attribute of its handler)."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.received.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1; the app sends to it for the test's duration."""
    inbox = Inbox(app)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Receiver(inbox), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield inbox
    controller.stop()


ROLES = ("anonymous", "coordinator", "staff", "other_staff", "counsellor")
__all__ = ["PASSWORD", "ROLES", "Role", "World", "form_token", "post", "sign_in", "text"]
