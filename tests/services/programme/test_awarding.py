"""Automatic issuance: rules applied to recorded results, evidence, consent, exactly once, review flags,
and why a badge was not issued (each reason as data)."""

from __future__ import annotations

import json

from badges.models import Credential, Evaluation, PendingAward, ReviewFlag
from badges.services.openbadges.contexts import schema_errors
from badges.services.programme import awarding, evaluation, rules
from badges.services.programme.rules import Shortfall
from tests.factories import D06, D07, count, grid, issuing, make_atelier, make_rule_badge_class


def record(session, keyring, links, now, world, cells, **kwargs):
    return grid(session, keyring, links, now, world.atelier, world.staff, cells, **kwargs)


def test_staff_evaluations_reaching_the_level_issue_the_badge_in_the_same_transaction(
    session, keyring, links, now, world
):
    awa = world.people[0]
    _, outcome = record(session, keyring, links, now, world, [(awa, D06, "N1"), (awa, D07, "N2")])
    (credential,) = outcome.issued
    assert credential.beneficiary is awa and credential.badge_class is world.badge
    assert count(session, Credential) == 1


def test_one_competence_missing_issues_nothing(session, keyring, links, now, world):
    _, outcome = record(session, keyring, links, now, world, [(world.people[0], D06, "N2")])
    assert outcome.issued == [] and count(session, Credential) == 0


def test_a_self_assessment_alone_never_awards(session, keyring, links, now, world):
    awa = world.people[0]
    cells = [(awa, D06, "N4"), (awa, D07, "N4")]
    _, outcome = record(session, keyring, links, now, world, cells, method="auto_evaluation")
    assert outcome.issued == [] and count(session, Credential) == 0


def test_the_latest_staff_result_counts(session, keyring, links, now, world):
    awa, badge = world.people[0], world.badge
    badge.level = "N2"
    record(session, keyring, links, now, world, [(awa, D06, "N2"), (awa, D07, "N1")])
    assert count(session, Credential) == 0
    _, outcome = record(session, keyring, links, now, world, [(awa, D07, "N3")])
    assert len(outcome.issued) == 1


def test_at_least_rule_and_minimum_attendance_combine_with_and(session, keyring, links, now, world):
    issuer, awa = world.issuer, world.people[0]
    world.badge.rule = []
    badge = make_rule_badge_class(
        session,
        issuer,
        now,
        name="Premiers pas",
        rule=[{"type": "competences_acquired", "at_least": 1}, {"type": "min_attendance", "ateliers": 2}],
    )
    _, outcome = record(session, keyring, links, now, world, [(awa, D06, "N1")])
    assert outcome.issued == []
    tools = issuing(keyring, links, now)
    data = {"attendance": [{"beneficiary": awa.public_id, "present": True}]}
    evaluation.record_attendance_and_award(session, tools, atelier=world.atelier, data=data)
    second = make_atelier(session, world.pathway, now, held_on="2026-03-17")
    _, outcome = evaluation.record_attendance_and_award(session, tools, atelier=second, data=data)
    assert [c.badge_class for c in outcome.issued] == [badge]


def test_evidence_lists_ateliers_and_results_without_personal_data(session, keyring, links, now, world):
    awa, atelier = world.people[0], world.atelier
    tools = issuing(keyring, links, now)
    evaluation.record_attendance_and_award(
        session, tools, atelier=atelier, data={"attendance": [{"beneficiary": awa.public_id}]}
    )
    data = {
        "moment": "apres",
        "method": "mise_en_situation",
        "results": [
            {
                "beneficiary": awa.public_id,
                "competency": D06,
                "result": "N2",
                "note": "Awa a eu peur au début",
            },
            {"beneficiary": awa.public_id, "competency": D07, "result": "N1"},
        ],
    }
    _, outcome = evaluation.record_grid(session, tools, atelier=atelier, evaluator=world.staff, data=data)
    (credential,) = outcome.issued
    evidence = json.loads(credential.ob3_credential)["evidence"]
    assert [e["name"] for e in evidence] == ["Ateliers suivis", "Évaluations par un médiateur"]
    assert evidence[0]["narrative"].startswith(
        "1 ateliers suivis, 2 heures au total.\n10/03/2026 : Atelier e-mail"
    )
    assert evidence[1]["narrative"] == (
        "D-06 Créer une adresse e-mail : N2 (mise en situation, 10/03/2026)\n"
        "D-07 Lire et envoyer un e-mail simple : N1 (mise en situation, 10/03/2026)"
    )
    for document in (credential.ob3_credential, credential.ob2_assertion):
        for private in ("Awa", "awa@example.org", "peur", world.staff.name, "exclu"):
            assert private not in document


def test_without_consent_the_award_waits_and_is_issued_when_consent_is_recorded(
    session, keyring, links, now, world
):
    karim = world.people[1]
    _, outcome = record(session, keyring, links, now, world, [(karim, D06, "N1"), (karim, D07, "N1")])
    assert outcome.issued == [] and len(outcome.pending) == 1
    record(session, keyring, links, now, world, [(karim, D07, "N2")])
    assert count(session, PendingAward) == 1 and count(session, Credential) == 0
    outcome = awarding.on_consent(session, issuing(keyring, links, now), karim)
    assert karim.consent_at == now
    assert [c.badge_class for c in outcome.issued] == [world.badge]
    assert count(session, PendingAward) == 0


def test_submitting_the_same_grid_twice_issues_exactly_once(session, keyring, links, now, world):
    awa = world.people[0]
    cells = [(awa, D06, "N1"), (awa, D07, "N1")]
    first = record(session, keyring, links, now, world, cells)[1]
    second = record(session, keyring, links, now, world, cells)[1]
    assert len(first.issued) == 1 and second.issued == []
    assert count(session, Credential) == 1 and count(session, Evaluation) == 4


def test_a_concurrent_award_lost_to_the_database_is_not_an_error(
    session, keyring, links, now, world, monkeypatch
):
    """The existence check passes (the other request has not committed yet), the insert hits the unique
    constraint: no error, nothing issued twice, the transaction goes on."""
    awa = world.people[0]
    record(session, keyring, links, now, world, [(awa, D06, "N1"), (awa, D07, "N1")])
    monkeypatch.setattr(awarding.issuance, "existing_award", lambda *a, **k: None)
    outcome = awarding.award_or_wait(session, issuing(keyring, links, now), world.badge, awa)
    assert outcome.issued == [] and outcome.pending == []
    assert count(session, Credential) == 1
    record(session, keyring, links, now, world, [(awa, D06, "N2")])
    assert count(session, Evaluation) == 3


def test_a_lower_result_flags_the_badge_and_never_revokes_it(session, keyring, links, now, world):
    awa = world.people[0]
    (credential,) = record(session, keyring, links, now, world, [(awa, D06, "N2"), (awa, D07, "N1")])[
        1
    ].issued
    _, outcome = record(session, keyring, links, now, world, [(awa, D06, "N1")])
    (flag,) = outcome.flags
    assert (flag.credential, flag.previous_result, flag.new_result) == (credential, "N2", "N1")
    assert credential.revoked_at is None
    _, outcome = record(session, keyring, links, now, world, [(awa, D06, "N1")], method="auto_evaluation")
    assert outcome.flags == [] and count(session, ReviewFlag) == 1


def test_a_lower_result_on_another_competence_flags_nothing(session, keyring, links, now, world):
    awa = world.people[0]
    record(session, keyring, links, now, world, [(awa, D06, "N2"), (awa, D07, "N1")])
    other = make_atelier(session, world.pathway, now, competencies=["parcours-decouverte:D-08"])
    grid(session, keyring, links, now, other, world.staff, [(awa, "parcours-decouverte:D-08", "N3")])
    _, outcome = grid(
        session, keyring, links, now, other, world.staff, [(awa, "parcours-decouverte:D-08", "N1")]
    )
    assert outcome.flags == []


def test_a_badge_issued_by_the_rules_passes_the_ob3_schema(session, keyring, links, now, world):
    awa = world.people[0]
    (credential,) = record(session, keyring, links, now, world, [(awa, D06, "N1"), (awa, D07, "N1")])[
        1
    ].issued
    document = json.loads(credential.ob3_credential)
    assert schema_errors(document) == []
    subject = document["credentialSubject"]
    assert subject["result"][0]["achievedLevel"] == subject["achievement"]["id"] + "#niveau-N1"
    assert json.loads(credential.ob2_assertion)["evidence"][0]["name"] == "Évaluations par un médiateur"


def test_a_missing_competence_is_named_with_its_framework_and_level(session, keyring, links, now, world):
    awa, badge = world.people[0], world.badge
    badge.level = "N2"
    _, outcome = record(session, keyring, links, now, world, [(awa, D06, "N3"), (awa, D07, "N1")])
    (missed,) = outcome.not_issued
    assert missed.badge is badge and missed.person is awa
    assert missed.reasons == [Shortfall("competence", subject="Parcours Découverte D-07", level="N2")]


def test_a_badge_due_without_consent_says_consent_is_missing(session, keyring, links, now, world):
    karim = world.people[1]
    _, outcome = record(session, keyring, links, now, world, [(karim, D06, "N2"), (karim, D07, "N2")])
    assert outcome.issued == [] and len(outcome.pending) == 1
    assert [(n.person, n.reasons) for n in outcome.not_issued] == [(karim, [Shortfall("consent")])]


def test_a_badge_held_already_says_so_and_an_issued_one_is_not_explained(session, keyring, links, now, world):
    awa = world.people[0]
    _, first = record(session, keyring, links, now, world, [(awa, D06, "N2"), (awa, D07, "N2")])
    assert len(first.issued) == 1 and first.not_issued == []
    _, second = record(session, keyring, links, now, world, [(awa, D06, "N3")])
    assert [n.reasons for n in second.not_issued] == [[Shortfall("already")]]


def test_at_least_and_attendance_shortfalls_count_what_is_missing(session, now, world):
    badge = make_rule_badge_class(
        session,
        world.issuer,
        now,
        name="Premiers pas",
        level="N2",
        rule=[
            {"type": "competences_acquired", "at_least": 1},
            {"type": "min_attendance", "ateliers": 3, "hours": 10},
        ],
    )
    facts = rules.Facts(staff_levels={}, ateliers=1, minutes=150)
    assert rules.shortfalls(badge, facts) == [
        Shortfall(
            "some_competences",
            subject="Parcours Découverte D-06, Parcours Découverte D-07",
            level="N2",
            needed=1,
        ),
        Shortfall("ateliers", needed=3, done=1),
        Shortfall("hours", needed=10, done=2),
    ]
    assert rules.holds(badge, facts) is False
