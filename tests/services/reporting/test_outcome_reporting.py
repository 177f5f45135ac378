"""The end of pathways in the reporting: outcomes and orientations by kind of actor with the key figures'
filters, and the coordinator's restitution (answers side by side, means, the empty ressenti hook)."""

from __future__ import annotations

from datetime import date

import pytest

from badges.services.programme import actors, closing, outcomes
from badges.services.reporting import restitution
from badges.services.reporting.figures_outcome import csv_part, outcome_figures
from badges.services.reporting.scope import Filters, Period
from tests.factories import make_agency, make_programme

SECRET = b"secret"
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def world(session, keyring, links, now):
    found = make_programme(
        session, keyring, links, now, {"display_name": "Awa", "profile": "exclu"}, {"display_name": "Karim"}
    )
    found.pathway.agency = make_agency(session, now)
    pix = actors.create_actor(
        session, by=found.staff, data={"kind": "pix", "name": "Pix", "department": "94"}, now=now
    )
    ccas = actors.create_actor(
        session, by=found.staff, data={"kind": "ccas", "name": "CCAS", "department": "94"}, now=now
    )
    session.flush()
    awa, karim = found.people
    shared = {
        "next_project": "Certification",
        "orientations": [pix.public_id, ccas.public_id],
        "shared": True,
    }
    outcomes.save_outcome(session, pathway=found.pathway, person=awa, now=now, data=shared)
    outcomes.save_outcome(session, pathway=found.pathway, person=karim, now=now,
                          data={"next_project": "Vente", "orientations": [pix.public_id]})  # fmt: skip
    session.flush()
    return found


def test_outcomes_and_orientations_by_kind_of_actor(session, world):
    found = outcome_figures(session, period=YEAR, filters=Filters())
    assert (found["outcomes"], found["shared"], found["people_oriented"], found["orientations"]) == (
        2,
        1,
        2,
        3,
    )
    assert found["by_kind"] == {"ccas": 1, "pix": 2}
    assert found["by_tiers_lieu"] == {world.issuer.slug: 2}
    text = csv_part(found, {"pix": "Centre de certification Pix"}, {world.issuer.slug: "Le Lieu"})
    assert "Centre de certification Pix;2" in text and "ccas;1" in text and "Le Lieu;2" in text


@pytest.mark.parametrize(
    ("filters", "outcomes_counted"),
    [
        (Filters(profile="exclu"), 1),
        (Filters(category="hybride_creatif"), 0),
        (Filters(pathway_type="court"), 2),
        (Filters(issuer_ids=[0]), 0),
        (Filters(department="13"), 0),
    ],
)
def test_the_filters_apply(session, world, filters, outcomes_counted):
    assert outcome_figures(session, period=YEAR, filters=filters)["outcomes"] == outcomes_counted


def test_an_outcome_outside_the_period_is_left_out(session, world):
    assert (
        outcome_figures(session, period=Period(date(2025, 1, 1), date(2025, 12, 31)), filters=Filters())[
            "outcomes"
        ]
        == 0
    )


def test_the_restitution_puts_the_answers_side_by_side(session, world, now):
    invitations = closing.close_pathway(
        session, pathway=world.pathway, by=world.staff, secret=SECRET, now=now
    )
    agency = next(i.questionnaire for i in invitations if i.questionnaire.respondent == closing.AGENCY)
    data = {
        "satisfaction": "4",
        "collaboration": "2",
        "usefulness": "3",
        "went_well": "Concret",
        "to_improve": "",
    }
    closing.answer(session, questionnaire=agency, data=data, now=now)
    session.flush()
    row = restitution.pathway_restitution(session, world.pathway)
    assert row["answers"]["agence"]["scales"] == {"satisfaction": 4, "collaboration": 2, "usefulness": 3}
    assert row["answers"]["tiers_lieu"]["answered_at"] is None
    assert (row["outcomes"], row["people"], row["orientations"]) == (2, 2, {"ccas": 1, "pix": 2})
    assert row["ressenti"] == [], "the ressenti hook says nothing until ressenti exists"
    network = restitution.network_restitution(session)
    assert network["answered"] == {"agence": 1, "tiers_lieu": 0}
    assert network["means"]["agence"] == {"satisfaction": 4.0, "collaboration": 2.0, "usefulness": 3.0}
    assert network["means"]["tiers_lieu"] == {"satisfaction": None, "collaboration": None, "usefulness": None}
    assert restitution.network_restitution(session, issuer_ids=[0])["pathways"] == []
