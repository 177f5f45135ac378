"""Revocation reaches every form at once; erasure keeps only a revocation entry without personal data."""

from __future__ import annotations

import json

import pytest

from badges.services import verification
from badges.services.credentials import documents, formats, published, revocation
from badges.services.crypto import statuslist
from badges.services.shared.errors import Conflict, InvalidInput
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


@pytest.fixture
def credential(session, keyring, links, now):
    return make_award(session, keyring, links, now, email="awa@example.org", display_name="Awa")


def status_bit(session, links, credential) -> bool:
    url = links.status_list(credential.issuer.slug, credential.status_list.number)
    doc = published.resolve(session, links, url).json()
    return statuslist.is_set(
        statuslist.decode(doc["credentialSubject"]["encodedList"]), credential.status_index
    )


def valid(session, links, now, value) -> bool:
    return verification.verify_value(value, source=LocalSource(session, links), now=now).valid


def test_revocation_reaches_every_form(session, keyring, links, now, credential):
    jwt = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    jws = formats.ob2_signed(session, keyring, credential=credential, links=links)
    forms = [json.loads(credential.ob3_credential), json.loads(credential.ob2_assertion), jwt, jws]
    assert all(valid(session, links, now, form) for form in forms)
    revocation.revoke(
        session, keyring, credential=credential, reason="Délivré par erreur", links=links, now=now
    )
    assert status_bit(session, links, credential)
    hosted = published.resolve(session, links, links.ob2_assertion(credential.public_id))
    assert hosted.status == 410 and hosted.json()["revoked"] is True
    entries = documents.ob2_revocation_list(session, credential.issuer, links)["revokedAssertions"]
    assert {"id": f"urn:uuid:{credential.public_id}", "revocationReason": "Délivré par erreur"} in entries
    assert not any(valid(session, links, now, form) for form in forms)


def test_revocation_list_always_has_two_entries_per_revoked_assertion(
    session, keyring, links, now, credential
):
    """The 1EdTech validator misses a one-entry list (docs/standards.md#S-ob2-validator): ours never has only
    one."""
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    entries = documents.ob2_revocation_list(session, credential.issuer, links)["revokedAssertions"]
    assert len(entries) == 2


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 301, 12])
def test_revocation_needs_a_reason(session, keyring, links, now, credential, reason):
    with pytest.raises(InvalidInput) as caught:
        revocation.revoke(session, keyring, credential=credential, reason=reason, links=links, now=now)
    assert "reason" in caught.value.fields
    assert credential.revoked_at is None


def test_revoking_twice_is_a_conflict(session, keyring, links, now, credential):
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    with pytest.raises(Conflict):
        revocation.revoke(session, keyring, credential=credential, reason="Encore", links=links, now=now)


def test_erasure_keeps_only_a_pii_free_revocation_entry(session, keyring, links, now, credential):
    formats.ob3_jwt(session, keyring, credential=credential, links=links)
    revocation.revoke(session, keyring, credential=credential, reason="Awa a déménagé", links=links, now=now)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    assert (
        credential.ob2_assertion is None and credential.ob3_credential is None and credential.ob3_jwt is None
    )
    assert credential.beneficiary_id is None
    assert credential.revocation_reason == revocation.ERASURE_REASON
    assert published.resolve(session, links, links.credential_page(credential.public_id)) is None
    hosted = published.resolve(session, links, links.ob2_assertion(credential.public_id))
    assert hosted.status == 410 and "Awa" not in hosted.body.decode()
    revocations = json.dumps(documents.ob2_revocation_list(session, credential.issuer, links))
    assert "Awa" not in revocations and "awa@example.org" not in revocations
    assert status_bit(session, links, credential)


def test_token_use_is_recorded_at_most_once_a_minute(session, keyring, links, now):
    """A write per API request would serialise concurrent requests on the token row."""
    from datetime import timedelta

    from badges.services.accounts import users
    from tests.factories import make_issuer, make_staff

    user, token = make_staff(session, make_issuer(session, keyring, links, now), now)
    session.flush()
    users.user_for_token(session, token, now=now)
    stored = user.tokens[0]
    assert stored.last_used_at == now
    users.user_for_token(session, token, now=now + timedelta(seconds=30))
    assert stored.last_used_at == now
    users.user_for_token(session, token, now=now + timedelta(minutes=2))
    assert stored.last_used_at == now + timedelta(minutes=2)
