"""Key rotation and compromise: new awards use new keys, earlier badges keep verifying unless distrusted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from badges.models import SigningKey
from badges.services import verification
from badges.services.credentials import formats, issuance, issuers, signing_keys
from badges.services.shared.errors import RuleError
from badges.services.verification.sources import LocalSource
from tests.factories import make_award, make_badge_class, make_beneficiary


def report_for(session, links, now, value):
    return verification.verify_value(value, source=LocalSource(session, links), now=now)


def check(report, name):
    return next(c for c in report.checks if c.name == name)


def second_award(session, keyring, links, now, issuer):
    badge = make_badge_class(session, issuer, now, name="Deuxième badge")
    person = make_beneficiary(session, issuer, now, display_name="Karim")
    return issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)


def test_rotation_signs_new_awards_with_new_keys_and_keeps_old_ones_valid(session, keyring, links, now):
    before = make_award(session, keyring, links, now)
    old_jwt = formats.ob3_jwt(session, keyring, credential=before, links=links)
    new_keys = signing_keys.rotate(session, keyring, issuer=before.issuer, now=now)
    session.flush()
    after = second_award(session, keyring, links, now, before.issuer)
    assert after.ed25519_key_id in {k.id for k in new_keys}
    assert after.ed25519_key_id != before.ed25519_key_id
    for value in (json.loads(before.ob3_credential), old_jwt, json.loads(after.ob3_credential)):
        assert report_for(session, links, now, value).valid


def test_compromised_ed25519_key_invalidates_what_it_signed_after_the_date(session, keyring, links, now):
    early = make_award(session, keyring, links, now - timedelta(days=10))
    late = second_award(session, keyring, links, now, early.issuer)
    key = session.get(SigningKey, early.ed25519_key_id)
    replacement = issuers.compromise_key(
        session, keyring, key=key, since=now - timedelta(days=1), links=links, now=now
    )
    assert replacement is not None and replacement.algorithm == "Ed25519"
    early_report = report_for(session, links, now, json.loads(early.ob3_credential))
    late_report = report_for(session, links, now, json.loads(late.ob3_credential))
    assert early_report.valid, early_report.to_dict()
    assert not late_report.valid
    assert "compromise" in check(late_report, "key").message


def test_compromised_rsa_key_invalidates_later_jwts(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    key = session.get(SigningKey, credential.rsa_key_id)
    issuers.compromise_key(session, keyring, key=key, since=now - timedelta(hours=1), links=links, now=now)
    report = report_for(session, links, now, token)
    assert not report.valid and "compromise" in check(report, "key").message


def test_compromise_after_signing_keeps_the_badge_valid(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = formats.ob3_jwt(session, keyring, credential=credential, links=links)
    key = session.get(SigningKey, credential.rsa_key_id)
    later = now + timedelta(days=1)
    issuers.compromise_key(session, keyring, key=key, since=later, links=links, now=later)
    assert report_for(session, links, later, token).valid


def test_compromise_date_cannot_be_in_the_future(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    key = session.get(SigningKey, credential.rsa_key_id)
    with pytest.raises(RuleError):
        issuers.compromise_key(session, keyring, key=key, since=now + timedelta(days=1), links=links, now=now)


def test_compromised_rsa_key_leaves_the_jwks(session, keyring, links, now):
    from badges.services.credentials import documents

    credential = make_award(session, keyring, links, now)
    key = session.get(SigningKey, credential.rsa_key_id)
    issuers.compromise_key(session, keyring, key=key, since=now, links=links, now=now)
    kids = {jwk["kid"] for jwk in documents.jwks(session, [credential.issuer], links)["keys"]}
    assert links.rsa_kid(credential.issuer.slug, key.public_id) not in kids
    assert len(kids) == 1
