""" "Compétences acquises" counts acquisitions, not evaluations (issue 14; reporting/figures_skills.py).

Each test would fail under the old rule (every staff evaluation at or above the competence's level, N1
when it has none, counted): a programme then showed 114 of 114 acquired on every competence evaluated.
"""

from __future__ import annotations

from datetime import date

import pytest

from badges.services.reporting.figures import key_figures
from badges.services.reporting.scope import Filters, Period
from tests.factories import (
    enrol,
    grid,
    make_atelier,
    make_badge_class,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_staff,
)

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
D06, D07, A01, PIX21 = (
    "parcours-decouverte:D-06",
    "parcours-decouverte:D-07",
    "parcours-autonomie:A-01",
    "pix-crcn:2.1",
)
WORKED = [D06, D07, A01, PIX21, "digcomp:2.1"]


@pytest.fixture
def world(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    staff, _ = make_staff(session, issuer, now)
    pathway = make_pathway(session, issuer, now, start_date="2026-03-01", end_date="2026-03-31")
    people = [make_beneficiary(session, issuer, now, display_name=f"p{i}") for i in range(10)]
    enrol(session, pathway, now, *people)
    first = make_atelier(session, pathway, now, held_on="2026-03-05", competencies=WORKED)
    second = make_atelier(session, pathway, now, held_on="2026-03-20", competencies=WORKED)

    def rate(atelier, cells, **options):
        grid(session, keyring, links, now, atelier, staff, cells, **options)
        session.flush()

    return {"issuer": issuer, "pathway": pathway, "people": people, "first": first, "second": second,
            "rate": rate}  # fmt: skip


def acquired(session) -> dict[str, int]:
    return key_figures(session, period=MARCH, filters=Filters())["totals"]["skills_acquired"]


def test_a_whole_group_rated_n1_once_has_acquired_nothing(session, world):
    """The 114/114 case: everyone evaluated at N1 on an N1 competence, with no positioning before."""
    world["rate"](world["first"], [(person, D06, "N1") for person in world["people"]])
    assert acquired(session) == {}


def test_rising_above_the_avant_positioning_is_an_acquisition(session, world):
    one, two = world["people"][:2]
    world["rate"](world["first"], [(one, D07, "N1"), (two, D07, "N2")], moment="avant")
    world["rate"](world["second"], [(one, D07, "N2"), (two, D07, "N2")])
    assert acquired(session) == {D07: 1}  # one rose from N1 to N2; two stayed at N2


def test_the_avant_positioning_itself_is_never_an_acquisition(session, world):
    # A-01 aims at N3 (the framework's level), reached already at the positioning.
    world["rate"](world["first"], [(world["people"][0], A01, "N3")], moment="avant")
    assert acquired(session) == {}


def test_reaching_the_level_of_the_framework_above_n1_is_an_acquisition(session, world):
    one, two = world["people"][:2]
    world["rate"](world["second"], [(one, A01, "N3"), (two, A01, "N2")], moment="apres")
    assert acquired(session) == {A01: 1}


def test_reaching_the_level_the_pathways_badge_aims_at(session, keyring, links, now, world):
    badge = make_badge_class(session, world["issuer"], now, level="N2", competencies=[PIX21, "digcomp:2.1"])
    world["pathway"].badge_classes.append(badge)
    session.flush()
    one, two, three = world["people"][:3]
    world["rate"](world["first"], [(three, PIX21, "N2")], moment="avant")  # there already
    world["rate"](world["second"], [(one, PIX21, "N2"), (two, PIX21, "N1"), (three, PIX21, "N2")])
    assert acquired(session) == {PIX21: 1}  # only `one`: pix-crcn has no level of its own


def test_a_rule_level_is_the_aim_of_its_competences(session, now, world):
    rule = [{"type": "competences_acquired", "level": "N3", "competencies": [PIX21]}]
    badge = make_badge_class(session, world["issuer"], now, level="N2", rule=rule)
    world["pathway"].badge_classes.append(badge)
    session.flush()
    one, two = world["people"][:2]
    world["rate"](world["second"], [(one, PIX21, "N2"), (two, PIX21, "N3")])
    assert acquired(session) == {PIX21: 1}


def test_self_assessments_never_count(session, world):
    one = world["people"][0]
    world["rate"](world["first"], [(one, D07, "N1")], moment="avant")
    world["rate"](world["second"], [(one, D07, "N3")], method="auto_evaluation")
    assert acquired(session) == {}


def test_key_figures_make_as_many_statements_whatever_the_number_of_badge_classes(
    session, world, now, statements
):
    """Issue 17: the classes' aims are read in two statements, not one per class (a network has hundreds)."""
    world["rate"](world["first"], [(person, PIX21, "N2") for person in world["people"]])
    make_badge_class(session, world["issuer"], now, name="Un", competencies=[PIX21])
    statements.clear()
    acquired(session)
    few = len(statements)
    for n in range(5):
        make_badge_class(session, world["issuer"], now, name=f"Classe {n}", competencies=[PIX21, D06])
    session.flush()
    statements.clear()
    acquired(session)
    assert len(statements) == few
