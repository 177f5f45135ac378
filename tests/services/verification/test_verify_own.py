"""The verifier on this service's own credentials: right verdicts, named checks, never an exception."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from badges.models import Credential
from badges.services import verification
from badges.services.credentials import published, status_lists
from badges.services.crypto import dataintegrity
from badges.services.verification.sources import LocalSource
from tests.factories import make_award


def verify(value, session, links, now, **kwargs):
    return verification.verify_value(value, source=LocalSource(session, links), now=now, **kwargs)


def checks(report) -> dict[str, bool]:
    return {c.name: c.passed for c in report.checks}


def revoke(session, keyring, links, credential: Credential, now) -> None:
    credential.revoked_at = now
    credential.revocation_reason = "Erreur de saisie"
    status_lists.sign_list(session, keyring, status_list=credential.status_list, links=links, now=now)
    session.flush()


@pytest.fixture
def credential(session, keyring, links, now) -> Credential:
    return make_award(session, keyring, links, now)


def test_own_ob3_credential_is_valid_with_every_check_passed(session, links, now, credential):
    report = verify(json.loads(credential.ob3_credential), session, links, now)
    assert report.valid, report.to_dict()
    assert report.format == "ob3-data-integrity"
    assert set(checks(report)) >= {
        "parse",
        "format",
        "contexts",
        "schema",
        "signature",
        "key",
        "issuer",
        "status",
        "validity",
    }
    assert report.summary["name"] == "Échanger par e-mail"


def test_own_ob2_hosted_assertion_is_valid(session, links, now, credential):
    report = verify(json.loads(credential.ob2_assertion), session, links, now)
    assert report.valid, report.to_dict()
    assert report.format == "ob2-hosted"
    assert checks(report)["hosted"]


@pytest.mark.parametrize("which", ["ob3", "ob2"])
def test_verification_by_url_reads_the_published_document(session, links, now, credential, which):
    url = (
        links.credential_page(credential.public_id)
        if which == "ob3"
        else links.ob2_assertion(credential.public_id)
    )
    report = verify(url, session, links, now)
    assert report.valid, report.to_dict()


def test_one_character_changed_in_the_subject_breaks_the_signature(session, links, now, credential):
    tampered = json.loads(credential.ob3_credential)
    tampered["credentialSubject"]["result"][0]["value"] = "N4"
    report = verify(tampered, session, links, now)
    assert not report.valid
    assert checks(report)["signature"] is False


def test_one_character_changed_in_the_signature_is_detected(session, links, now, credential):
    tampered = json.loads(credential.ob3_credential)
    value = tampered["proof"][0]["proofValue"]
    tampered["proof"][0]["proofValue"] = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    report = verify(tampered, session, links, now)
    assert checks(report)["signature"] is False


def test_tampered_ob2_assertion_differs_from_the_hosted_copy(session, links, now, credential):
    tampered = json.loads(credential.ob2_assertion)
    tampered["issuedOn"] = "2020-01-01T00:00:00Z"
    report = verify(tampered, session, links, now)
    assert not report.valid
    assert checks(report)["hosted"] is False


def test_revoked_credential_fails_the_status_check_in_both_versions(session, keyring, links, now, credential):
    revoke(session, keyring, links, credential, now)
    ob3_report = verify(json.loads(credential.ob3_credential), session, links, now)
    ob2_report = verify(json.loads(credential.ob2_assertion), session, links, now)
    assert checks(ob3_report)["status"] is False and not ob3_report.valid
    assert checks(ob2_report)["status"] is False and not ob2_report.valid
    assert "Erreur de saisie" in next(c.message for c in ob2_report.checks if c.name == "status")


def test_expired_credential_fails_validity(session, keyring, links, now):
    from badges.services.credentials import issuance
    from tests.factories import make_badge_class, make_beneficiary, make_issuer

    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now, validity_days=30)
    person = make_beneficiary(session, issuer, now)
    credential = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    report = verify(json.loads(credential.ob3_credential), session, links, now + timedelta(days=31))
    assert checks(report)["validity"] is False
    assert "expiré" in next(c.message for c in report.checks if c.name == "validity")


def test_credential_is_not_valid_before_its_start(session, links, now, credential):
    report = verify(json.loads(credential.ob3_credential), session, links, now - timedelta(days=1))
    assert checks(report)["validity"] is False


@pytest.mark.parametrize(
    ("email", "expected"),
    [("awa@example.org", True), ("AWA@example.org ", True), ("other@example.org", False)],
)
def test_recipient_check_compares_the_entered_email(session, links, now, credential, email, expected):
    for document in (credential.ob3_credential, credential.ob2_assertion):
        report = verify(json.loads(document), session, links, now, email=email)
        assert checks(report)["recipient"] is expected


def test_undefined_json_ld_term_makes_the_credential_invalid(session, links, now, credential):
    doc = json.loads(credential.ob3_credential)
    doc["credentialSubject"]["favouriteColour"] = "bleu"
    report = verify(doc, session, links, now)
    assert checks(report)["contexts"] is False
    assert "favouriteColour" in next(c.message for c in report.checks if c.name == "contexts")


def test_unknown_context_is_refused_without_fetching(session, links, now, credential):
    doc = json.loads(credential.ob3_credential)
    doc["@context"].append("https://attacker.example/context.json")
    report = verify(doc, session, links, now)
    assert checks(report)["contexts"] is False


def test_missing_required_field_is_reported(session, links, now, credential):
    doc = json.loads(credential.ob3_credential)
    del doc["validFrom"]
    report = verify(doc, session, links, now)
    assert not report.valid and checks(report)["format"] is False


def test_key_controller_must_be_the_issuer(session, keyring, links, now, credential):
    other = make_award(session, keyring, links, now)
    doc = json.loads(credential.ob3_credential)
    doc["proof"][0]["verificationMethod"] = json.loads(other.ob3_credential)["proof"][0]["verificationMethod"]
    report = verify(doc, session, links, now)
    assert checks(report)["key"] is False


@pytest.mark.parametrize(
    "value",
    [
        "",
        "pas un badge",
        "{",
        "[1, 2]",
        {"hello": "world"},
        {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"},
        "[" * 10_000 + "]" * 10_000,
        json.dumps({"a": "x" * (3 * 1024 * 1024)}),
        "https://",
        12,
    ],
)
def test_bad_input_gives_an_invalid_report_never_an_exception(session, links, now, value):
    report = verify(value, session, links, now)
    assert report.valid is False
    assert report.checks and not all(c.passed for c in report.checks)


def test_verification_does_not_modify_the_given_document(session, links, now, credential):
    doc = json.loads(credential.ob3_credential)
    before = copy.deepcopy(doc)
    verify(doc, session, links, now)
    assert doc == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("proofPurpose", "authentication", "proofPurpose"),
        ("cryptosuite", "eddsa-jcs-2022", "eddsa-rdfc-2022"),
    ],
)
def test_proof_with_the_wrong_purpose_or_suite_is_refused(
    session, links, now, credential, field, value, words
):
    doc = json.loads(credential.ob3_credential)
    doc["proof"][0][field] = value
    report = verify(doc, session, links, now)
    assert checks(report)["signature"] is False
    assert words in next(c.message for c in report.checks if c.name == "signature")


def test_unknown_proof_type_is_refused_as_an_undefined_term(session, links, now, credential):
    doc = json.loads(credential.ob3_credential)
    doc["proof"][0]["type"] = "MyOwnProof2026"
    report = verify(doc, session, links, now)
    assert not report.valid and checks(report)["contexts"] is False


def signed_the_old_way(session, keyring, links, credential: Credential) -> dict:
    """The credential as issued before proofs named `/keys/<id>`: its method was `<issuer>#key-<id>`."""
    doc = json.loads(credential.ob3_credential)
    key_id = doc.pop("proof")[0]["verificationMethod"].rsplit("/", 1)[1]
    old = dataintegrity.sign(
        doc,
        sign_bytes=lambda data: keyring.sign(key_id, data),
        verification_method=links.legacy_ed25519_method(credential.issuer.slug, key_id),
        created=credential.issued_at,
    )
    credential.ob3_credential = json.dumps(old)  # stored exactly as signed, like every badge of that time
    session.flush()
    return old


def test_a_badge_signed_with_the_old_fragment_method_id_still_verifies(
    session, keyring, links, now, credential
):
    old = signed_the_old_way(session, keyring, links, credential)
    method = old["proof"][0]["verificationMethod"]
    assert "#key-" in method
    report = verify(old, session, links, now)
    assert report.valid, report.to_dict()
    assert method in next(c.message for c in report.checks if c.name == "key")


def test_a_fresh_badge_names_a_key_url_that_serves_the_multikey(session, links, now, credential):
    """The method id reaches the server (no fragment); our verifier then checks the controller lists it."""
    method = json.loads(credential.ob3_credential)["proof"][0]["verificationMethod"]
    assert method == links.ed25519_method(credential.issuer.slug, method.rsplit("/", 1)[1])
    served = published.resolve(session, links, method)
    assert served is not None and served.json()["id"] == method
    assert served.json()["type"] == "Multikey"
    controller = published.resolve(session, links, links.issuer(credential.issuer.slug)).json()
    assert method in controller["assertionMethod"]
    report = verify(json.loads(credential.ob3_credential), session, links, now)
    assert report.valid, report.to_dict()
