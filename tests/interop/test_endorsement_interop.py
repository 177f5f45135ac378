"""Endorsements (issue 16) judged by the outside tools, which fetch every document over HTTP from the live
https://badges.test: the endorser's controller document, its Multikey and its signed status list.

The JSON Schema is 1EdTech's EndorsementCredential definition, as the bundled OB 3.0 schema carries it
($defs/EndorsementCredential): the spec's separate endorsement schema file is not bundled here.
"""

from __future__ import annotations

import json

import pytest

from badges.models import Credential, Endorsement
from badges.services.credentials import endorsements, issuance
from badges.services.openbadges.contexts import endorsement_schema_errors, schema_errors
from tests.factories import make_award, make_beneficiary, make_coordinator
from tests.interop import harness
from tests.services.credentials.test_endorsements import SETTINGS, counsellor

pytestmark = pytest.mark.interop


@pytest.fixture
def endorsed(session, keyring, links, now, live_url) -> tuple[Credential, Endorsement]:
    award = make_award(session, keyring, links, now, email="awa@example.org")
    data = {
        "target": "badge_class",
        "id": award.badge_class.public_id,
        "comment": "France Travail, agence de Montreuil, reconnaît ce badge.",
    }
    row = endorsements.endorse(
        session, keyring, actor=counsellor(session, now), data=data, settings=SETTINGS, links=links, now=now
    )
    session.commit()
    return award, row


def withdraw(session, keyring, links, now, row: Endorsement) -> None:
    agent = row.created_by
    assert agent is not None
    endorsements.withdraw(session, keyring, actor=agent, public_id=row.public_id, links=links, now=now)
    session.commit()


def test_the_endorsement_passes_the_1edtech_json_schema(endorsed):
    _, row = endorsed
    assert endorsement_schema_errors(json.loads(row.ob3_credential)) == []


def test_the_endorsement_passes_the_digital_bazaar_verifier(network, node_tools, endorsed):
    _, row = endorsed
    result = harness.ob3_verify_di(json.loads(row.ob3_credential), network)
    assert result.ok, result.output


def test_digital_bazaar_sees_a_withdrawn_endorsement_and_a_forged_one(
    network, node_tools, session, keyring, links, now, endorsed
):
    _, row = endorsed
    forged = json.loads(row.ob3_credential)
    forged["credentialSubject"]["endorsementComment"] = "Le meilleur badge du monde."
    assert not harness.ob3_verify_di(forged, network).ok
    withdraw(session, keyring, links, now, row)
    result = harness.ob3_verify_di(json.loads(row.ob3_credential), network)
    assert result.report["verified"] is True and result.report["revoked"] is True, result.output


def dcc_steps(result: harness.ValidatorResult) -> dict[str, bool]:
    return {entry["id"]: entry["valid"] for entry in result.report.get("log", [])}


def test_the_endorsement_passes_dcc_verifier_core(network, node_tools, endorsed):
    """verifier-core checks the signature, the key binding and the status list; the schema check has
    nothing to run, since the endorsement names no credentialSchema (the schema test above covers it)."""
    _, row = endorsed
    result = harness.ob3_verifier_core(json.loads(row.ob3_credential), network)
    assert result.report["errors"] == [], result.output
    steps = dcc_steps(result)
    assert steps["valid_signature"] is True, result.output
    assert steps.get("revocation_status", True) is True and steps.get("expiration", True) is True


def test_dcc_verifier_core_sees_a_withdrawn_endorsement(
    network, node_tools, session, keyring, links, now, endorsed
):
    _, row = endorsed
    withdraw(session, keyring, links, now, row)
    result = harness.ob3_verifier_core(json.loads(row.ob3_credential), network)
    assert dcc_steps(result).get("revocation_status") is False, result.output


def test_the_endorsed_badge_class_passes_the_1edtech_ob2_validator(network, ob2_venv, links, endorsed):
    """The validator follows the BadgeClass's `endorsement` to the hosted Endorsement and its endorser."""
    award, row = endorsed
    result = harness.ob2_validate(
        links.ob2_assertion(award.public_id), network, recipient_email="awa@example.org"
    )
    assert result.ok, result.output
    assert result.report["blocked"] == []


@pytest.fixture
def endorsed_then_awarded(session, keyring, links, now, live_url, endorsed) -> Credential:
    """A badge awarded after its class and its tiers-lieu were endorsed: it carries both endorsements."""
    award, _ = endorsed
    data = {"target": "issuer", "id": award.issuer.slug, "comment": "Le réseau reconnaît ce tiers-lieu."}
    coordinator, _ = make_coordinator(session, now)
    endorsements.endorse(
        session, keyring, actor=coordinator, data=data, settings=SETTINGS, links=links, now=now
    )
    person = make_beneficiary(session, award.issuer, now, display_name="Léa", email="lea@example.org")
    credential = issuance.award(
        session, keyring, badge_class=award.badge_class, beneficiary=person, links=links, now=now
    )
    session.commit()
    return credential


def test_a_badge_carrying_endorsements_passes_the_schema_and_both_verifiers(
    network, node_tools, endorsed_then_awarded
):
    credential = json.loads(endorsed_then_awarded.ob3_credential)
    assert len(credential["credentialSubject"]["achievement"]["endorsement"]) == 1
    assert len(credential["issuer"]["endorsement"]) == 1
    assert schema_errors(credential) == []
    result = harness.ob3_verify_di(credential, network)
    assert result.ok, result.output
    core = harness.ob3_verifier_core(credential, network)
    assert core.ok, core.output
