"""Two revocations of one status list in overlapping transactions: the second waits, and no bit is lost."""

from __future__ import annotations

import json
import os
import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from badges.db import EXTENSION
from badges.models import Credential, StatusList
from badges.services.credentials import issuance, revocation
from badges.services.crypto import statuslist
from tests.factories import make_badge_class, make_beneficiary, make_issuer

pytestmark = pytest.mark.skipif(
    not os.environ.get("BADGES_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only (set BADGES_TEST_DATABASE_URL): SQLite has one writer, no overlapping writes",
)


def _published_bits(session: Session, list_id: int) -> bytes:
    signed = json.loads(session.get(StatusList, list_id).signed_credential)
    return statuslist.decode(signed["credentialSubject"]["encodedList"])


def test_a_revocation_waits_for_the_one_in_progress_on_the_same_list(app, session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    first_id, second_id = (
        issuance.award(
            session, keyring, badge_class=badge, beneficiary=make_beneficiary(session, issuer, now),
            links=links, now=now,
        ).id
        for _ in range(2)
    )  # fmt: skip
    session.commit()
    factory: sessionmaker[Session] = app.extensions[EXTENSION]
    first, second = factory(), factory()

    def revoke(db: Session, credential_id: int) -> None:
        credential = db.get(Credential, credential_id)
        revocation.revoke(db, keyring, credential=credential, reason="Erreur.", links=links, now=now)
        db.commit()

    try:
        credential = first.get(Credential, first_id)
        revocation.revoke(first, keyring, credential=credential, reason="Erreur.", links=links, now=now)
        other = threading.Thread(target=revoke, args=(second, second_id))
        other.start()
        other.join(1.0)
        waited = other.is_alive()
        first.commit()
        other.join(20)
    finally:
        first.close(), second.close()
    assert waited, "the second revocation went ahead while the first held the list"
    assert not other.is_alive()

    session.expire_all()
    bits = _published_bits(session, credential.status_list_id)
    indexes = [session.get(Credential, n).status_index for n in (first_id, second_id)]
    assert [statuslist.is_set(bits, index) for index in indexes] == [True, True]
