"""A pathway badge (badge de parcours: OB 3.0 LearningProgram, components as alignments, component
credentials as evidence) judged by the outside validators over real HTTP, like every other credential.

See docs/standards.md#S-validators.
"""

from __future__ import annotations

import json

import pytest

from badges.models import Credential
from badges.services.credentials import formats, revocation
from badges.services.openbadges.contexts import schema_errors
from tests.factories import D06, D07, grid, make_badge_class, make_programme
from tests.interop import harness

pytestmark = pytest.mark.interop


@pytest.fixture
def pathway_award(session, keyring, links, now, live_url) -> tuple[Credential, Credential]:
    """Awa's component badge and the pathway badge it completed, issued by one grid."""
    world = make_programme(session, keyring, links, now, {"display_name": "Awa", "email": "awa@example.org"})
    make_badge_class(
        session,
        world.issuer,
        now,
        name="Parcours découverte complet",
        description="J'ai suivi tout le parcours découverte.",
        criteria_narrative=None,
        level="N1",
        competencies=[D06, D07],
        profile=None,
        pathway_badge={"pathway": world.pathway.public_id, "components": [world.badge.public_id]},
    )
    awa = world.people[0]
    cells = [(awa, D06, "N1"), (awa, D07, "N1")]
    part, whole = grid(session, keyring, links, now, world.atelier, world.staff, cells)[1].issued
    session.commit()
    return part, whole


def test_the_pathway_badge_passes_the_json_schema_as_a_learning_program(pathway_award):
    _, whole = pathway_award
    document = json.loads(whole.ob3_credential)
    assert schema_errors(document) == []
    assert document["credentialSubject"]["achievement"]["achievementType"] == "LearningProgram"


def test_the_pathway_badge_passes_the_digital_bazaar_verifier(network, node_tools, pathway_award):
    _, whole = pathway_award
    result = harness.ob3_verify_di(json.loads(whole.ob3_credential), network)
    assert result.ok, result.output
    assert result.report["verified"] is True and result.report["revoked"] is False


def test_the_pathway_badge_passes_dcc_verifier_core(network, node_tools, pathway_award):
    _, whole = pathway_award
    result = harness.ob3_verifier_core(json.loads(whole.ob3_credential), network)
    assert result.ok, result.output
    assert result.report["schema_check"]["valid"] is True


def test_the_pathway_badges_vc_jwt_passes_jose(network, node_tools, session, keyring, links, pathway_award):
    _, whole = pathway_award
    token = formats.ob3_jwt(session, keyring, credential=whole, links=links)
    session.commit()
    result = harness.ob3_verify_jwt(token, network)
    assert result.ok, result.output


def test_the_pathway_badges_hosted_ob2_assertion_passes_the_1edtech_validator(
    network, ob2_venv, links, pathway_award
):
    _, whole = pathway_award
    result = harness.ob2_validate(
        links.ob2_assertion(whole.public_id), network, recipient_email="awa@example.org"
    )
    assert result.ok, result.output
    badge_class = network.json(json.loads(whole.ob2_assertion)["badge"])
    assert [a["targetName"] for a in badge_class["alignment"]][-1] == "Mes premiers e-mails"


def test_revoking_the_component_is_seen_by_the_verifiers_on_the_pathway_badge(
    network, node_tools, session, keyring, links, now, pathway_award
):
    part, whole = pathway_award
    revocation.revoke(session, keyring, credential=part, reason="Délivré par erreur", links=links, now=now)
    session.commit()
    di = harness.ob3_verify_di(json.loads(whole.ob3_credential), network)
    assert not di.ok and di.report["verified"] is True and di.report["revoked"] is True
    core = harness.ob3_verifier_core(json.loads(whole.ob3_credential), network)
    steps = {entry["id"]: entry["valid"] for entry in core.report["log"]}
    assert steps["revocation_status"] is False and steps["valid_signature"] is True
