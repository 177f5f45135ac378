"""Pathway badges (badges de parcours): the rule (all / N of them / attendance at the pathway), awarded by
itself after its components, exactly once, revoked with a component, its OB 2.0 / 3.0 documents."""

from __future__ import annotations

import json

import pytest

from badges.models import Credential, CredentialBasis, PathwayBadge, PendingAward
from badges.services.credentials import revocation, status_lists
from badges.services.openbadges.contexts import schema_errors
from badges.services.programme import awarding, badge_classes, evaluation, pathway_badges
from badges.services.shared.errors import InvalidInput
from tests.factories import (
    D06,
    D07,
    count,
    enrol,
    grid,
    issuing,
    make_atelier,
    make_badge_class,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
)

D08 = "parcours-decouverte:D-08"


@pytest.fixture
def second(session, now, world):
    """A second component (D-08 at N1) and the atelier that works on it, in the same pathway."""
    badge = make_rule_badge_class(
        session, world.issuer, now, competencies=(D08,), name="Naviguer sur internet"
    )
    atelier = make_atelier(session, world.pathway, now, competencies=[D08], held_on="2026-03-17")
    return badge, atelier


def pathway_badge(session, now, world, components, **rule):
    return make_badge_class(
        session,
        world.issuer,
        now,
        name="Parcours découverte complet",
        description="J'ai suivi tout le parcours découverte.",
        criteria_narrative=None,
        level="N1",
        competencies=[D06, D07, D08],
        profile=None,
        pathway_badge={
            "pathway": world.pathway.public_id,
            "components": [c.public_id for c in components],
            **rule,
        },
    )


def first_grid(session, keyring, links, now, world, person):
    return grid(
        session, keyring, links, now, world.atelier, world.staff, [(person, D06, "N1"), (person, D07, "N1")]
    )


def d08_grid(session, keyring, links, now, world, atelier, person):
    return grid(session, keyring, links, now, atelier, world.staff, [(person, D08, "N1")])


def test_all_components_issue_the_pathway_badge_in_the_same_save(session, keyring, links, now, world, second):
    badge, atelier = second
    whole = pathway_badge(session, now, world, [world.badge, badge])
    awa = world.people[0]
    _, outcome = first_grid(session, keyring, links, now, world, awa)
    assert [c.badge_class for c in outcome.issued] == [world.badge]
    _, outcome = d08_grid(session, keyring, links, now, world, atelier, awa)
    assert [c.badge_class for c in outcome.issued] == [badge, whole]
    resting = {
        b.basis_id for b in session.query(CredentialBasis).filter_by(credential_id=outcome.issued[1].id)
    }
    parts = session.query(Credential).filter(Credential.badge_class_id.in_([world.badge.id, badge.id])).all()
    assert resting == {p.id for p in parts}


def test_n_of_them_is_enough(session, keyring, links, now, world, second):
    badge, _ = second
    whole = pathway_badge(session, now, world, [world.badge, badge], at_least=1)
    _, outcome = first_grid(session, keyring, links, now, world, world.people[0])
    assert [c.badge_class for c in outcome.issued] == [world.badge, whole]


def test_the_attendance_rule_counts_only_the_pathways_ateliers(session, keyring, links, now, world, second):
    badge, atelier = second
    whole = pathway_badge(session, now, world, [world.badge], min_ateliers=2, min_hours=4)
    awa = world.people[0]
    other = make_pathway(session, world.issuer, now)
    enrol(session, other, now, awa)
    elsewhere = make_atelier(session, other, now)
    for place in (world.atelier, elsewhere):
        evaluation.record_attendance_and_award(
            session,
            issuing(keyring, links, now),
            atelier=place,
            data={"attendance": [{"beneficiary": awa.public_id}]},
        )
    _, outcome = first_grid(session, keyring, links, now, world, awa)
    assert [c.badge_class for c in outcome.issued] == [world.badge]
    rule = session.get(PathwayBadge, whole.id)
    assert pathway_badges.progress(session, rule, awa).ateliers == 1
    _, outcome = evaluation.record_attendance_and_award(
        session,
        issuing(keyring, links, now),
        atelier=atelier,
        data={"attendance": [{"beneficiary": awa.public_id}]},
    )
    assert [c.badge_class for c in outcome.issued] == [whole]


def test_a_person_not_enrolled_in_the_pathway_never_gets_it(session, keyring, links, now, world):
    pathway_badge(session, now, world, [world.badge])
    other = make_pathway(session, world.issuer, now)
    atelier = make_atelier(session, other, now)
    zoe = make_beneficiary(session, world.issuer, now, display_name="Zoé", email="zoe@example.org")
    enrol(session, other, now, zoe)
    _, outcome = grid(
        session, keyring, links, now, atelier, world.staff, [(zoe, D06, "N1"), (zoe, D07, "N1")]
    )
    assert [c.badge_class for c in outcome.issued] == [world.badge]


def test_issued_exactly_once(session, keyring, links, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    awa = world.people[0]
    first_grid(session, keyring, links, now, world, awa)
    again = awarding.settle(session, issuing(keyring, links, now), [awa])
    assert again.issued == []
    assert session.query(Credential).filter_by(badge_class_id=whole.id).count() == 1


def test_without_consent_it_waits_then_comes_with_its_components(session, keyring, links, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    karim = world.people[1]
    _, outcome = first_grid(session, keyring, links, now, world, karim)
    assert outcome.issued == [] and [p.badge_class for p in outcome.pending] == [world.badge]
    outcome = awarding.on_consent(session, issuing(keyring, links, now), karim)
    assert [c.badge_class for c in outcome.issued] == [world.badge, whole]
    assert count(session, PendingAward) == 0


def test_revoking_a_component_revokes_the_pathway_badge(session, keyring, links, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    part, issued = first_grid(session, keyring, links, now, world, world.people[0])[1].issued
    assert issued.badge_class is whole
    revocation.revoke(session, keyring, credential=part, reason="Erreur de saisie", links=links, now=now)
    assert issued.revoked_at == now and issued.revocation_reason == revocation.BASIS_REVOKED
    assert issued.status_index in status_lists.revoked_indexes(session, issued.status_list)
    # Never issued again: the component is revoked, and the award stays (revoked) in the database.
    assert awarding.settle(session, issuing(keyring, links, now), [world.people[0]]).issued == []


def test_erasing_a_component_revokes_the_pathway_badge(session, keyring, links, now, world):
    pathway_badge(session, now, world, [world.badge])
    part, issued = first_grid(session, keyring, links, now, world, world.people[0])[1].issued
    revocation.erase(session, keyring, credential=part, links=links, now=now)
    assert issued.revoked_at == now and issued.erased_at is None


def test_ob3_learning_program_with_components_and_evidence(session, keyring, links, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    part, issued = first_grid(session, keyring, links, now, world, world.people[0])[1].issued
    document = json.loads(issued.ob3_credential)
    assert schema_errors(document) == []
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "LearningProgram"
    (component,) = [a for a in achievement["alignment"] if a["targetType"] == "ext:PathwayComponent"]
    assert component["targetUrl"] == links.achievement(world.badge.public_id)
    assert component["targetName"] == world.badge.name
    assert document["evidence"] == [
        {
            "type": ["Evidence"],
            "id": links.credential_page(part.public_id),
            "name": world.badge.name,
            "narrative": f"Badge obtenu le {part.issued_at:%d/%m/%Y}.",
        }
    ]
    assertion = json.loads(issued.ob2_assertion)
    assert [e["id"] for e in assertion["evidence"]] == [links.credential_page(part.public_id)]
    assert whole.name == "Parcours découverte complet"
    assert whole.criteria_narrative.startswith(f"Avoir suivi le parcours « {world.pathway.title} »")


def test_an_ordinary_badge_stays_a_badge(session, keyring, links, now, world):
    (part,) = first_grid(session, keyring, links, now, world, world.people[0])[1].issued
    achievement = json.loads(part.ob3_credential)["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge"
    assert all(a["targetType"] == "ceasn:Competency" for a in achievement["alignment"])


def refused(session, now, world, rule, badge=None):
    data = {"pathway_badge": rule}
    with pytest.raises(InvalidInput) as caught:
        if badge is None:
            badge_classes.validate(session, data, issuer=world.issuer)
        else:
            badge_classes.update_badge_class(session, badge=badge, data=data, now=now)
    # A new class also lacks its name, level...: only the pathway badge's fields are looked at here.
    return {key for key in caught.value.field_messages if key.startswith("pathway_badge")}


def test_only_the_same_tiers_lieus_pathway_and_badges(session, keyring, links, now, world):
    other = make_issuer(session, keyring, links, now)
    foreign_badge = make_badge_class(session, other, now)
    foreign_pathway = make_pathway(session, other, now)
    rule = {"pathway": foreign_pathway.public_id, "components": [foreign_badge.public_id]}
    assert refused(session, now, world, rule) == {"pathway_badge.pathway", "pathway_badge.components"}
    mixed = {
        "pathway": world.pathway.public_id,
        "components": [world.badge.public_id, foreign_badge.public_id],
    }
    assert refused(session, now, world, mixed) == {"pathway_badge.components"}


def test_bad_rules_are_refused_field_by_field(session, now, world):
    good = {"pathway": world.pathway.public_id, "components": [world.badge.public_id]}
    assert refused(session, now, world, {**good, "at_least": 2}) == {"pathway_badge.at_least"}
    assert refused(session, now, world, {**good, "min_hours": 0}) == {"pathway_badge.min_hours"}
    assert refused(session, now, world, {**good, "components": []}) == {"pathway_badge.components"}
    assert refused(session, now, world, {**good, "colour": "red"}) == {"pathway_badge"}
    assert refused(session, now, world, "parcours") == {"pathway_badge"}


def test_no_nesting_and_no_cycle(session, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    nested = {"pathway": world.pathway.public_id, "components": [whole.public_id]}
    assert refused(session, now, world, nested) == {"pathway_badge.components"}
    itself = {"pathway": world.pathway.public_id, "components": [world.badge.public_id]}
    assert refused(session, now, world, itself, badge=world.badge) == {"pathway_badge.components"}


def test_a_pathway_badge_can_be_turned_back_into_a_plain_badge(session, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    badge_classes.update_badge_class(session, badge=whole, data={"pathway_badge": None}, now=now)
    assert session.get(PathwayBadge, whole.id) is None
    assert whole.revisions[-1].pathway is None


def test_a_component_given_by_hand_completes_the_pathway_badge(session, keyring, links, now, world):
    whole = pathway_badge(session, now, world, [world.badge])
    awa = world.people[0]
    credential = awarding.award_by_hand(
        session, issuing(keyring, links, now), badge=world.badge, person=awa, evidence=[]
    )
    issued = session.query(Credential).filter_by(badge_class_id=whole.id, beneficiary_id=awa.id).one()
    assert session.query(CredentialBasis).filter_by(credential_id=issued.id).one().basis_id == credential.id
