"""The verifier checks a badge's endorsements one by one; a forged or withdrawn one is only not counted."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services import verification
from badges.services.credentials import endorsements, formats, issuance
from badges.services.openbadges import ob3
from badges.services.openbadges.common import IssuerData
from badges.services.openbadges.contexts import schema_errors
from badges.services.verification import endorsement_checks
from badges.services.verification.ob3_checks import EDDSA_OK
from badges.services.verification.report import Check
from badges.services.verification.sources import LocalSource
from tests.factories import make_award, make_beneficiary, make_coordinator
from tests.services.credentials.test_endorsements import SETTINGS
from tests.services.verification.conftest import CREATED, bitstring_entry, make_foreign


def endorse_award_class(session, keyring, links, now, award, comment="Le réseau reconnaît ce badge."):
    coordinator, _ = make_coordinator(session, now)
    data = {"target": "badge_class", "id": award.badge_class.public_id, "comment": comment}
    row = endorsements.endorse(
        session, keyring, actor=coordinator, data=data, settings=SETTINGS, links=links, now=now
    )
    return coordinator, row


def verify_own(session, links, now, award, fetcher=None):
    source = LocalSource(session, links, remote=fetcher)
    return verification.verify_value(json.loads(award.ob3_credential), source=source, now=now)


def test_an_endorsement_given_after_the_award_is_checked_and_counted(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    endorse_award_class(session, keyring, links, now, award)
    report = verify_own(session, links, now, award)
    assert report.valid
    [found] = report.endorsements
    assert found.counted
    assert (
        found.endorser == "Coordination du réseau des tiers-lieux" or found.endorser == SETTINGS.network_name
    )
    assert {c.name for c in found.checks} >= {"contexts", "schema", "subject", "key", "signature", "status"}
    said = report.to_dict()["endorsements"][0]
    assert said["counted"] is True
    assert said["message"] == "Recommandation de Coordination du réseau : « Le réseau reconnaît ce badge. »."


def test_a_vc_jwt_tells_its_endorsements_as_its_json_credential_does(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    endorse_award_class(session, keyring, links, now, award)
    token = formats.ob3_jwt(session, keyring, credential=award, links=links)
    report = verification.verify_value(token, source=LocalSource(session, links), now=now)
    assert report.valid and report.format == "ob3-jwt"
    [found] = report.endorsements
    assert found.counted
    said = report.to_dict()["endorsements"][0]
    assert said["message"] == "Recommandation de Coordination du réseau : « Le réseau reconnaît ce badge. »."


def test_a_withdrawn_endorsement_is_not_counted_and_the_badge_stays_valid(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    coordinator, row = endorse_award_class(session, keyring, links, now, award)
    doc = endorsements.signed(row)
    endorsements.withdraw(session, keyring, actor=coordinator, public_id=row.public_id, links=links, now=now)
    source = LocalSource(session, links)
    subject = links.achievement(award.badge_class.public_id)
    result = endorsement_checks.check_one(doc, subject=subject, source=source, now=now)
    assert not result.counted
    assert "non prise en compte" in result.said.french
    assert any(c.name == "status" and not c.passed for c in result.checks)
    # No longer listed in the achievement, and the badge itself is untouched.
    report = verify_own(session, links, now, award)
    assert report.valid and report.endorsements == []


def test_a_forged_endorsement_carried_by_a_badge_is_not_counted_and_the_badge_stays_valid(
    session, keyring, links, now, http_server
):
    award = make_award(session, keyring, links, now)
    _, row = endorse_award_class(session, keyring, links, now, award)
    forged = endorsements.signed(row)
    forged["credentialSubject"]["endorsementComment"] = "Le meilleur badge du monde."
    issuer = make_foreign("did:key", http_server, Ed25519PrivateKey.generate())
    credential = foreign_credential(issuer, achievement_endorsements=[])
    credential = resign(issuer, credential, endorsement=[forged])
    report = verification.verify_value(credential, source=LocalSource(session, links), now=now)
    assert report.valid
    [result] = report.endorsements
    assert not result.counted
    assert any(c.name == "signature" and not c.passed for c in result.checks)
    assert any(c.name == "subject" and not c.passed for c in result.checks)


def foreign_credential(issuer, achievement_endorsements: list[dict[str, Any]]) -> dict[str, Any]:
    doc = issuer.credential(None)
    doc["credentialSubject"]["achievement"]["endorsement"] = achievement_endorsements
    return doc


def resign(issuer, doc: dict[str, Any], **extra: Any) -> dict[str, Any]:
    unsigned = {k: v for k, v in copy.deepcopy(doc).items() if k != "proof"}
    unsigned.update(extra)
    return issuer.sign(unsigned)


def foreign_endorsement(endorser, subject: str, status: dict[str, Any] | None = None) -> dict[str, Any]:
    unsigned = ob3.endorsement_credential(
        credential_id="https://agence.example/endorsements/1",
        endorser=IssuerData(
            id=endorser.id,
            name="Mission locale d'ailleurs",
            url="https://agence.example",
            email="a@agence.example",
        ),
        subject_id=subject,
        comment="La mission locale reconnaît ce badge.",
        name="Recommandation",
        valid_from=CREATED,
        status=status or {},
    )
    if status is None:
        del unsigned["credentialStatus"]
    return endorser.sign(unsigned)


@pytest.mark.parametrize("revoked", [False, True])
def test_an_endorsement_from_another_service_is_fetched_and_checked_over_https(
    session, links, now, https_server, http_server, fetcher, revoked
):
    issuer = make_foreign("did:key", http_server, Ed25519PrivateKey.generate())
    endorser = make_foreign("did:web", https_server, Ed25519PrivateKey.generate(), path="/agence")
    status_url = endorser.publish_status_list("/agence/status", {7} if revoked else set())
    achievement_id = issuer.credential(None)["credentialSubject"]["achievement"]["id"]
    endorsement = foreign_endorsement(endorser, achievement_id, bitstring_entry(status_url, 7))
    credential = resign(issuer, foreign_credential(issuer, [endorsement]))
    source = LocalSource(session, links, remote=fetcher)
    report = verification.verify_value(credential, source=source, now=now)
    assert report.valid
    [result] = report.endorsements
    assert result.counted is not revoked
    assert result.endorser == "Mission locale d'ailleurs"


def test_only_a_bounded_number_of_endorsements_is_checked(session, links, now, http_server):
    issuer = make_foreign("did:key", http_server, Ed25519PrivateKey.generate())
    endorser = make_foreign("did:key", http_server, Ed25519PrivateKey.generate())
    achievement_id = issuer.credential(None)["credentialSubject"]["achievement"]["id"]
    many = []
    for n in range(endorsement_checks.MAX_ENDORSEMENTS + 4):
        one = foreign_endorsement(endorser, achievement_id)
        one = endorser.sign(
            {
                **{k: v for k, v in one.items() if k != "proof"},
                "id": f"urn:uuid:{n:08d}-0000-4000-8000-000000000000",
            }
        )
        many.append(one)
    credential = resign(issuer, foreign_credential(issuer, many))
    report = verification.verify_value(credential, source=LocalSource(session, links), now=now)
    assert report.valid
    *checked, rest = report.endorsements
    assert len(checked) == endorsement_checks.MAX_ENDORSEMENTS
    assert all(result.counted for result in checked)
    assert not rest.counted and [c.name for c in rest.checks] == ["limit"]
    assert rest.said.french == (
        f"Recommandations non vérifiées : 4 de plus que les {endorsement_checks.MAX_ENDORSEMENTS} "
        "examinées au plus pour un badge."
    )


def counting_check_one(monkeypatch) -> list[str]:
    """Replace the checks of one endorsement by a counted stand-in; return the ids it was called with."""
    calls: list[str] = []

    def fake(endorsement, *, subject, source, now):
        calls.append(str(endorsement.get("id")))
        return endorsement_checks.EndorsementResult(
            "Agence", "https://agence.example", "", subject, [Check("signature", True, EDDSA_OK)]
        )

    monkeypatch.setattr(endorsement_checks, "check_one", fake)
    return calls


def listing(*endorsements: dict[str, Any]) -> dict[str, Any]:
    achievement = {"id": "urn:uuid:achievement", "endorsement": list(endorsements)}
    return {"credentialSubject": {"achievement": achievement}, "issuer": {"id": "https://example.org"}}


@pytest.mark.parametrize("with_id", [True, False])
def test_the_same_endorsement_listed_fifty_times_is_checked_once(session, links, now, monkeypatch, with_id):
    calls = counting_check_one(monkeypatch)
    one = {"type": ["EndorsementCredential"], "credentialSubject": {"id": "urn:uuid:achievement"}}
    if with_id:
        one["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    doc = listing(*[copy.deepcopy(one) for _ in range(50)])
    results = endorsement_checks.check_badge(doc, source=LocalSource(session, links), now=now)
    assert len(calls) == 1
    assert [r.counted for r in results] == [True]


def test_thirty_distinct_endorsements_are_checked_up_to_the_limit_and_the_rest_reported(
    session, links, now, monkeypatch
):
    calls = counting_check_one(monkeypatch)
    doc = listing(*[{"id": f"urn:uuid:{n}", "type": ["EndorsementCredential"]} for n in range(30)])
    results = endorsement_checks.check_badge(doc, source=LocalSource(session, links), now=now)
    limit = endorsement_checks.MAX_ENDORSEMENTS
    assert calls == [f"urn:uuid:{n}" for n in range(limit)]
    assert [r.counted for r in results] == [True] * limit + [False]
    said = results[-1].to_dict()
    assert said["counted"] is False
    assert said["message"].startswith(f"Recommandations non vérifiées : {30 - limit} de plus")


def test_a_badge_awarded_after_endorsements_carries_them_and_each_is_counted_once(
    session, keyring, links, now
):
    award = make_award(session, keyring, links, now)
    coordinator, _ = endorse_award_class(session, keyring, links, now, award)
    data = {"target": "issuer", "id": award.issuer.slug, "comment": "Le réseau reconnaît ce tiers-lieu."}
    endorsements.endorse(
        session, keyring, actor=coordinator, data=data, settings=SETTINGS, links=links, now=now
    )
    person = make_beneficiary(session, award.issuer, now, display_name="Léa", email="lea@example.org")
    later = issuance.award(
        session, keyring, badge_class=award.badge_class, beneficiary=person, links=links, now=now
    )
    signed = json.loads(later.ob3_credential)
    assert schema_errors(signed) == []
    report = verify_own(session, links, now, later)
    assert report.valid
    assert sorted(r.subject for r in report.endorsements) == sorted(
        [links.achievement(award.badge_class.public_id), links.issuer(award.issuer.slug)]
    )
    assert all(r.counted for r in report.endorsements)
    # A copy that is not the one issued goes through the general checks: contexts and schema included.
    copy_of = {**signed, "credentialSubject": {**signed["credentialSubject"]}}
    general = verification.verify_value(copy_of, source=LocalSource(session, links), now=now)
    assert general.valid, [c.to_dict() for c in general.checks if not c.passed]


def test_an_endorsement_proof_naming_no_key_is_refused_as_a_badge_proof_is(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    _, row = endorse_award_class(session, keyring, links, now, award)
    doc = endorsements.signed(row)
    proof = doc["proof"][0] if isinstance(doc["proof"], list) else doc["proof"]
    del proof["verificationMethod"]
    subject = links.achievement(award.badge_class.public_id)
    result = endorsement_checks.check_one(doc, subject=subject, source=LocalSource(session, links), now=now)
    assert not result.counted
    assert [(c.name, c.code) for c in result.checks if not c.passed] == [("key", "check.key.no_method")]
    assert {c.name: c.code for c in result.checks}["schema"] == "check.endorsement.schema_ok"
