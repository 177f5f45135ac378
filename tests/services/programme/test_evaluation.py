"""Evaluations: one, or an atelier's grid checked as a whole; personal criteria and their ratings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from badges.models import Attendance, Credential, Evaluation
from badges.services.programme import evaluation
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from tests.factories import (
    D06,
    D07,
    count,
    grid,
    issuing,
    make_beneficiary,
    make_pathway,
    make_programme,
)


def record(session, keyring, links, now, world, cells, **kwargs):
    return grid(session, keyring, links, now, world.atelier, world.staff, cells, **kwargs)


NOT_WORKED = (
    "Cellule Awa × compétence « parcours-decouverte:D-09 » : compétence non travaillée dans cet atelier."
)
UNKNOWN = (
    "Cellule bénéficiaire « inconnu » × D-06 : "
    "bénéficiaire inconnu ou non inscrit au parcours de cet atelier."
)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ({"competency": D06, "result": "N5"}, "Cellule Awa × D-06 : niveau attendu : N1, N2, N3, N4."),
        ({"competency": "parcours-decouverte:D-09", "result": "N1"}, NOT_WORKED),
        ({"beneficiary": "inconnu", "competency": D06, "result": "N1"}, UNKNOWN),
        ({"competency": D07, "result": "N1"}, "Cellule Awa × D-07 : cellule en double."),
    ],
)
def test_one_bad_cell_rejects_the_whole_grid_naming_the_cell(
    session, keyring, links, now, world, cell, message
):
    awa = world.people[0]
    data = {
        "moment": "pendant",
        "method": "observation",
        "results": [
            {"beneficiary": awa.public_id, "competency": D07, "result": "N1"},
            {"beneficiary": world.people[1].public_id, "competency": D06, "result": "N1"},
            {"beneficiary": awa.public_id, **cell},
        ],
    }
    with pytest.raises(InvalidInput) as caught:
        evaluation.record_grid(
            session,
            issuing(keyring, links, now),
            atelier=world.atelier,
            evaluator=world.staff,
            data=data,
        )
    assert caught.value.fields == {"results[2]": message}
    assert count(session, Evaluation) == 0 and count(session, Credential) == 0


def test_a_beneficiary_not_enrolled_cannot_be_evaluated_in_the_atelier(session, keyring, links, now, world):
    stranger = make_beneficiary(session, world.issuer, now, display_name="Léa")
    with pytest.raises(InvalidInput) as caught:
        record(session, keyring, links, now, world, [(stranger, D06, "N1")])
    assert "non inscrit" in caught.value.fields["results[0]"]


def test_a_single_evaluation_is_checked_field_by_field(session, keyring, links, now, world):
    data = {"beneficiary": "x", "competency": "pix:9", "moment": "hier", "method": "devinette", "result": "A"}
    with pytest.raises(InvalidInput) as caught:
        evaluation.record(
            session, issuing(keyring, links, now), issuer=world.issuer, evaluator=world.staff, data=data
        )
    assert set(caught.value.fields) == {"beneficiary", "competency", "moment", "method", "result"}
    assert count(session, Evaluation) == 0


def test_personal_criteria_are_set_then_rated_during_and_at_the_end(session, now, world):
    pathway, awa = world.pathway, world.people[0]
    texts = ["Envoyer mon CV", "Faire mon actualisation", "Prendre rendez-vous en ligne"]
    data = {"criteria": [{"text": t, "rating": "N1"} for t in texts]}
    evaluation.set_criteria(session, pathway=pathway, beneficiary=awa, data=data, now=now)
    evaluation.rate_criteria(
        session,
        pathway=pathway,
        beneficiary=awa,
        data={"moment": "pendant", "ratings": ["N2", "N1", "N2"]},
        now=now,
    )
    criteria = evaluation.rate_criteria(
        session,
        pathway=pathway,
        beneficiary=awa,
        data={"moment": "apres", "ratings": ["N3", "N2", "N2"]},
        now=now,
    )
    assert [(c.text, c.rating_start, c.rating_during, c.rating_end) for c in criteria] == [
        ("Envoyer mon CV", "N1", "N2", "N3"),
        ("Faire mon actualisation", "N1", "N1", "N2"),
        ("Prendre rendez-vous en ligne", "N1", "N2", "N2"),
    ]
    with pytest.raises(Conflict):
        evaluation.set_criteria(session, pathway=pathway, beneficiary=awa, data=data, now=now)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"criteria": [{"text": "Un", "rating": "N1"}] * 2}, "criteria"),
        ({"criteria": [{"text": "Un", "rating": "N1"}] * 5}, "criteria"),
        (
            {"criteria": [{"text": "", "rating": "N1"}] + [{"text": "Un", "rating": "N1"}] * 2},
            "criteria[0].text",
        ),
        ({"criteria": [{"text": "Un", "rating": "N8"}] * 3}, "criteria[2].rating"),
    ],
)
def test_bad_personal_criteria_are_refused(session, now, world, data, field):
    with pytest.raises(InvalidInput) as caught:
        evaluation.set_criteria(
            session, pathway=world.pathway, beneficiary=world.people[0], data=data, now=now
        )
    assert field in caught.value.fields


def test_every_personal_criteria_error_is_given_at_once(session, now, world):
    data = {"criteria": [{"text": "CV", "rating": "N1"}, {"text": "Rendez-vous", "rating": ""}]}
    with pytest.raises(InvalidInput) as caught:
        evaluation.set_criteria(
            session, pathway=world.pathway, beneficiary=world.people[0], data=data, now=now
        )
    assert set(caught.value.fields) == {"criteria", "criteria[1].rating"}


def test_ratings_need_one_per_objective_and_objectives_first(session, now, world):
    pathway, awa = world.pathway, world.people[0]
    with pytest.raises(NotFound):
        evaluation.rate_criteria(session, pathway=pathway, beneficiary=awa, data={}, now=now)
    data = {"criteria": [{"text": t, "rating": "N1"} for t in "abc"]}
    evaluation.set_criteria(session, pathway=pathway, beneficiary=awa, data=data, now=now)
    with pytest.raises(InvalidInput) as caught:
        evaluation.rate_criteria(
            session, pathway=pathway, beneficiary=awa, data={"moment": "apres", "ratings": ["N2"]}, now=now
        )
    assert caught.value.fields == {"ratings": "Une note par objectif (3), de N1 à N4."}


def one(world, **data):
    """A single evaluation of Awa on D-06, as staff send it."""
    return {
        "beneficiary": world.people[0].public_id,
        "competency": D06,
        "moment": "pendant",
        "method": "observation",
        "result": "N1",
        **data,
    }


@pytest.mark.parametrize(
    ("extra", "at"),
    [
        ({}, "now"),
        ({"evaluated_on": "2026-03-05"}, datetime(2026, 3, 5, 12, 0, tzinfo=UTC)),
        ({"atelier": "the atelier"}, datetime(2026, 3, 10, 12, 0, tzinfo=UTC)),
    ],
)
def test_a_single_evaluation_is_dated_by_its_day_its_atelier_or_the_clock(
    session, keyring, links, now, world, extra, at
):
    if "atelier" in extra:
        extra = {"atelier": world.atelier.public_id}
    stored, _ = evaluation.record(
        session,
        issuing(keyring, links, now),
        issuer=world.issuer,
        evaluator=world.staff,
        data=one(world, **extra),
    )
    assert stored.evaluated_at == (now if at == "now" else at)
    assert stored.created_at == now
    assert (stored.atelier is world.atelier) is ("atelier" in extra)
    assert (stored.pathway is world.pathway) is ("atelier" in extra)


def test_a_single_evaluation_that_completes_the_rule_issues_the_badge(session, keyring, links, now, world):
    tools = issuing(keyring, links, now)
    record(session, keyring, links, now, world, [(world.people[0], D06, "N1")])
    _, outcome = evaluation.record(
        session, tools, issuer=world.issuer, evaluator=world.staff, data=one(world, competency=D07)
    )
    assert [(c.beneficiary, c.badge_class) for c in outcome.issued] == [(world.people[0], world.badge)]


def test_a_single_evaluation_names_what_does_not_fit_the_atelier_or_the_pathway(
    session, keyring, links, now, world
):
    tools = issuing(keyring, links, now)
    other = make_pathway(session, world.issuer, now)
    cases = [
        (one(world, atelier=world.atelier.public_id, competency="parcours-decouverte:D-09"), "competency"),
        (one(world, pathway=other.public_id), "beneficiary"),
        (one(world, atelier="inconnu"), "atelier"),
        (one(world, pathway="inconnu"), "pathway"),
    ]
    messages = {
        "competency": "Cette compétence n'est pas travaillée dans cet atelier.",
        "beneficiary": "Ce bénéficiaire n'est pas inscrit à ce parcours.",
        "atelier": "Atelier introuvable.",
        "pathway": "Parcours introuvable.",
    }
    for data, field in cases:
        with pytest.raises(InvalidInput) as caught:
            evaluation.record(session, tools, issuer=world.issuer, evaluator=world.staff, data=data)
        assert caught.value.fields == {field: messages[field]}
    assert count(session, Evaluation) == 0


def test_another_tiers_lieu_cannot_evaluate_our_beneficiaries(session, keyring, links, now, world):
    elsewhere = make_programme(session, keyring, links, now)
    with pytest.raises(InvalidInput) as caught:
        evaluation.record(
            session,
            issuing(keyring, links, now),
            issuer=elsewhere.issuer,
            evaluator=elsewhere.staff,
            data=one(world),
        )
    assert caught.value.fields == {"beneficiary": "Bénéficiaire introuvable."}


@pytest.mark.parametrize("results", [[], "N1", [{"x": 1}] * 1001])
def test_a_grid_needs_one_to_a_thousand_cells(session, keyring, links, now, world, results):
    data = {"moment": "pendant", "method": "observation", "results": results}
    with pytest.raises(InvalidInput) as caught:
        evaluation.record_grid(
            session, issuing(keyring, links, now), atelier=world.atelier, evaluator=world.staff, data=data
        )
    assert caught.value.fields == {"results": "Liste de 1 à 1000 cellules attendue."}


def test_a_grid_dates_its_evaluations_at_the_atelier_and_keeps_notes(session, keyring, links, now, world):
    awa = world.people[0]
    data = {
        "moment": "apres",
        "method": "quiz",
        "results": [{"beneficiary": awa.public_id, "competency": D06, "result": "N3", "note": " A réussi "}],
    }
    (stored,), _ = evaluation.record_grid(
        session, issuing(keyring, links, now), atelier=world.atelier, evaluator=world.staff, data=data
    )
    assert (stored.beneficiary, stored.competency.ref, stored.result) == (awa, D06, "N3")
    assert (stored.moment, stored.method, stored.note) == ("apres", "quiz", "A réussi")
    assert stored.evaluated_at == datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert stored.evaluator is world.staff and stored.created_at == now


def test_personal_criteria_belong_to_an_enrolled_beneficiary(session, now, world):
    stranger = make_beneficiary(session, world.issuer, now, display_name="Léa")
    data = {"criteria": [{"text": t, "rating": "N1"} for t in "abc"]}
    with pytest.raises(NotFound):
        evaluation.set_criteria(session, pathway=world.pathway, beneficiary=stranger, data=data, now=now)
    assert evaluation.criteria_of(session, pathway=world.pathway, beneficiary=world.people[0]) == []


def test_personal_criteria_may_be_replaced_until_they_are_rated(session, now, world):
    pathway, awa = world.pathway, world.people[0]
    first = {"criteria": [{"text": t, "rating": "N1"} for t in ("un", "deux", "trois")]}
    second = {"criteria": [{"text": t, "rating": "N2"} for t in ("CV", "Mails", "Agenda", "Banque")]}
    evaluation.set_criteria(session, pathway=pathway, beneficiary=awa, data=first, now=now)
    evaluation.set_criteria(session, pathway=pathway, beneficiary=awa, data=second, now=now)
    kept = evaluation.criteria_of(session, pathway=pathway, beneficiary=awa)
    assert [(c.position, c.text, c.rating_start) for c in kept] == [
        (1, "CV", "N2"),
        (2, "Mails", "N2"),
        (3, "Agenda", "N2"),
        (4, "Banque", "N2"),
    ]


def test_the_grid_records_who_came_and_rejects_a_stranger_storing_nothing(
    session, keyring, links, now, world
):
    awa, karim, atelier = world.people[0], world.people[1], world.atelier
    tools = issuing(keyring, links, now)
    data = {
        "moment": "pendant",
        "method": "observation",
        "results": [],
        "attendance": [
            {"beneficiary": awa.public_id, "present": True},
            {"beneficiary": "inconnu", "present": True},
        ],
    }
    with pytest.raises(InvalidInput) as caught:
        evaluation.record_grid(session, tools, atelier=atelier, evaluator=world.staff, data=data)
    assert caught.value.fields == {"attendance[1]": "Bénéficiaire inconnu ou non inscrit à ce parcours."}
    assert session.scalars(select(Attendance)).all() == []
    data["attendance"][1] = {"beneficiary": karim.public_id, "present": False}
    evaluation.record_grid(session, tools, atelier=atelier, evaluator=world.staff, data=data)
    assert {(a.beneficiary_id, a.present) for a in atelier.attendances} == {(awa.id, True), (karim.id, False)}
