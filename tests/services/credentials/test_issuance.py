"""Issuing an award: both documents, their fields, privacy rules and the once-only rule."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Credential
from badges.services.credentials import issuance
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges.contexts import schema_errors
from badges.services.shared import profiles
from badges.services.shared.errors import Conflict, InvalidInput, RuleError
from tests.factories import make_award, make_badge_class, make_beneficiary, make_issuer


def documents(credential: Credential) -> tuple[dict, dict]:
    assert credential.ob2_assertion and credential.ob3_credential
    return json.loads(credential.ob2_assertion), json.loads(credential.ob3_credential)


def test_award_issues_ob3_credential_that_passes_the_1edtech_schema(session, keyring, links, now):
    _, ob3 = documents(make_award(session, keyring, links, now))
    assert schema_errors(ob3) == []
    assert ob3["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    ]
    assert ob3["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    proof = ob3["proof"]
    assert isinstance(proof, list) and len(proof) == 1
    assert proof[0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof[0]["proofPurpose"] == "assertionMethod"
    # A URL without a fragment: it reaches the server, which answers with the Multikey itself
    # (docs/standards.md#S-keys).
    assert proof[0]["verificationMethod"].startswith(ob3["issuer"]["id"] + "/keys/")
    assert "#" not in proof[0]["verificationMethod"]


def test_issuer_profile_carries_name_url_and_email(session, keyring, links, now):
    ob2, ob3 = documents(make_award(session, keyring, links, now))
    for field in ("name", "url", "email"):
        assert ob3["issuer"][field]
    assert ob3["issuer"]["type"] == ["Profile"]


def test_subject_has_pseudonymous_id_and_salted_email_hash(session, keyring, links, now):
    credential = make_award(session, keyring, links, now, email="awa@example.org")
    ob2, ob3 = documents(credential)
    subject = ob3["credentialSubject"]
    assert subject["id"] == credential.beneficiary.subject_id
    assert subject["id"].startswith("urn:uuid:")
    (identifier,) = subject["identifier"]
    assert identifier["type"] == "IdentityObject"
    expected = "sha256$" + hashlib.sha256(("awa@example.org" + identifier["salt"]).encode()).hexdigest()
    assert identifier["identityHash"] == expected
    assert ob2["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": identifier["salt"],
        "identity": expected,
    }
    assert "awa@example.org" not in credential.ob2_assertion + credential.ob3_credential


def test_without_email_the_recipient_is_the_hashed_subject_id(session, keyring, links, now):
    credential = make_award(session, keyring, links, now, email=None)
    ob2, ob3 = documents(credential)
    assert "identifier" not in ob3["credentialSubject"]
    salt = ob2["recipient"]["salt"]
    subject = credential.beneficiary.subject_id
    assert ob2["recipient"]["type"] == "url"
    assert ob2["recipient"]["identity"] == "sha256$" + hashlib.sha256((subject + salt).encode()).hexdigest()


def test_name_appears_only_when_the_beneficiary_chose_it(session, keyring, links, now):
    hidden = make_award(session, keyring, links, now, display_name="Zélie")
    shown = make_award(session, keyring, links, now, display_name="Yanis", show_name_in_badges=True)
    assert "Zélie" not in hidden.ob3_credential + hidden.ob2_assertion
    identifiers = json.loads(shown.ob3_credential)["credentialSubject"]["identifier"]
    assert {
        "type": "IdentityObject",
        "identityHash": "Yanis",
        "identityType": "name",
        "hashed": False,
    } in identifiers


def test_internal_profile_label_never_reaches_a_badge(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now, profile="exclu")
    person = make_beneficiary(session, issuer, now, profile="exclu")
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    for document in (credential.ob2_assertion, credential.ob3_credential):
        assert "exclu" not in document.lower()


def test_achievement_aligns_to_framework_pages(session, keyring, links, now):
    _, ob3 = documents(make_award(session, keyring, links, now))
    alignments = ob3["credentialSubject"]["achievement"]["alignment"]
    assert {a["targetUrl"] for a in alignments} == {
        links.competency("pix-crcn", "2.1"),
        links.competency("digcomp", "2.1"),
    }


def test_status_entry_points_to_the_issuer_list_at_the_stored_index(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    _, ob3 = documents(credential)
    status = ob3["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    # How the index is drawn (distinct, random, in range): test_status_lists.py.
    assert status["statusListIndex"] == str(credential.status_index)
    assert status["statusListCredential"] == links.status_list(credential.issuer.slug, 1)


def test_validity_period_of_the_class_sets_expiry_in_both_versions(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now, validity_days=365)
    person = make_beneficiary(session, issuer, now)
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    ob2, ob3 = documents(credential)
    assert credential.valid_until == now + timedelta(days=365)
    assert ob3["validUntil"] == "2027-03-12T10:00:00Z"
    assert ob2["expires"] == "2027-03-12T10:00:00Z"


def test_award_without_consent_is_refused_and_stores_nothing(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now, consent=False)
    with pytest.raises(RuleError, match="accord"):
        issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    assert session.scalar(select(func.count(Credential.id))) == 0


def test_badge_class_of_another_issuer_is_refused(session, keyring, links, now):
    mine = make_issuer(session, keyring, links, now)
    other = make_issuer(session, keyring, links, now)
    with pytest.raises(RuleError):
        issuance.award(
            session,
            keyring,
            badge_class=make_badge_class(session, other, now),
            beneficiary=make_beneficiary(session, mine, now),
            links=links,
            now=now,
        )


def test_second_award_of_the_same_class_is_a_conflict(
    session: Session, keyring: Keyring, links: Links, now: datetime
):
    credential = make_award(session, keyring, links, now)
    with pytest.raises(Conflict):
        issuance.award(
            session,
            keyring,
            badge_class=credential.badge_class,
            beneficiary=credential.beneficiary,
            links=links,
            now=now,
        )
    assert session.scalar(select(func.count(Credential.id))) == 1


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ("texte", "evidence"),
        ([{"name": "x"}], "evidence[0]"),
        ([{"name": "x", "narrative": "y", "url": "https://e.example"}], "evidence[0]"),
        ([{"name": "", "narrative": "y"}], "evidence[0]"),
        ([{"name": "x" * 201, "narrative": "y"}], "evidence[0]"),
        ([{"name": "x", "narrative": "y"}] * 11, "evidence"),
    ],
)
def test_malformed_evidence_is_refused_with_the_field_named(evidence, field):
    with pytest.raises(InvalidInput) as caught:
        issuance.validate_evidence(evidence)
    assert field in caught.value.fields


def test_stored_documents_are_exactly_what_was_signed(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    session.commit()
    session.expire_all()
    stored = session.get(Credential, credential.id)
    assert stored.ob3_credential == credential.ob3_credential
    assert issuance.dumps(json.loads(stored.ob3_credential)) == stored.ob3_credential


def test_evidence_never_carries_an_internal_profile_label():
    with pytest.raises(InvalidInput) as caught:
        issuance.validate_evidence([{"name": "Observation", "narrative": "Profil exclu, lent au clavier."}])
    assert caught.value.fields == {"evidence[0]": profiles.MESSAGE.french}
