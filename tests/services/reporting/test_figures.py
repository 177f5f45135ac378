"""Key figures, checked against a small dataset whose expected figures are counted by hand below."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from badges.services.credentials import issuance
from badges.services.programme import pathways
from badges.services.reporting.figures import key_figures
from badges.services.reporting.scope import Filters, Period, period_of
from badges.services.shared.errors import InvalidInput
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

MARCH = Period(datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date())
D06, D07, A01 = "parcours-decouverte:D-06", "parcours-decouverte:D-07", "parcours-autonomie:A-01"
LEARN, PRO, HYBRID = "apprentissage_par_le_faire", "professionnalisation", "hybride_creatif"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


@pytest.fixture
def dataset(session, keyring, links, now):
    """Two tiers-lieux. In March 2026 (the period):

    A (dept 94): pathway A1 "court", apprentissage (March-April) with p1 (exclu), p2 (intermediaire),
                 p3 (exclu); pathway A2 "long", professionnalisation (January-20 February: outside) with
                 p4 (initie) and p1.
    B (dept 93): pathway B1 "long_augmente", hybride (from 15 February, open) with q1 (initie), q2 (no
                 profile).
    Ateliers: a1 10/03 120 min (p1, p2 present; p3 absent), a2 24/03 90 min (p1, p3), a3 07/04 (outside),
              a4 10/02 in A2 (outside), b1 15/03 180 min (q1, q2), b2 20/02 (outside).
    Badges: c1 p1 issued 12/03; c2 p2 issued 01/02 and revoked 20/03; c3 q1 issued 25/03; c4 p4 issued 05/03.
    Evaluations: p1 D-06 N1 avant (a1) and N2 (a2), p2 D-07 N1 self-assessed (a1), p3 D-07 N1 (a2),
                 q1 A-01 N2 and q2 A-01 N3 (b1; A-01 expects N3), p1 D-07 N1 (a3, April).
    """
    a = make_issuer(session, keyring, links, now, department="94")
    b = make_issuer(session, keyring, links, now, department="93")
    staff_a, _ = make_staff(session, a, now)
    staff_b, _ = make_staff(session, b, now)
    people = {
        name: make_beneficiary(session, issuer, now, display_name=name, profile=profile)
        for name, issuer, profile in [
            ("p1", a, "exclu"),
            ("p2", a, "intermediaire"),
            ("p3", a, "exclu"),
            ("p4", a, "initie"),
            ("q1", b, "initie"),
            ("q2", b, None),
        ]
    }
    a1 = make_pathway(
        session, a, now, type="court", category=LEARN, start_date="2026-03-01", end_date="2026-04-30"
    )
    a2 = make_pathway(
        session, a, now, type="long", category=PRO, start_date="2026-01-05", end_date="2026-02-20"
    )
    b1 = make_pathway(
        session, b, now, type="long_augmente", category=HYBRID, start_date="2026-02-15", end_date=None
    )
    enrol(session, a1, now, people["p1"], people["p2"], people["p3"])
    enrol(session, a2, now, people["p4"], people["p1"])
    enrol(session, b1, now, people["q1"], people["q2"])
    ateliers = {
        "a1": make_atelier(session, a1, now, held_on="2026-03-10", duration_minutes=120),
        "a2": make_atelier(session, a1, now, held_on="2026-03-24", duration_minutes=90),
        "a3": make_atelier(session, a1, now, held_on="2026-04-07", duration_minutes=60),
        "a4": make_atelier(session, a2, now, held_on="2026-02-10", duration_minutes=60),
        "b1": make_atelier(
            session,
            b1,
            now,
            held_on="2026-03-15",
            duration_minutes=180,
            competencies=[A01, "parcours-autonomie:A-02"],
        ),
        "b2": make_atelier(session, b1, now, held_on="2026-02-20", duration_minutes=60, competencies=[A01]),
    }
    for atelier, present, absent in [
        ("a1", ["p1", "p2"], ["p3"]),
        ("a2", ["p1", "p3"], []),
        ("a3", ["p1", "p2"], []),
        ("a4", ["p4"], []),
        ("b1", ["q1", "q2"], []),
        ("b2", ["q1"], []),
    ]:
        entries = [{"beneficiary": people[n].public_id, "present": True} for n in present]
        entries += [{"beneficiary": people[n].public_id, "present": False} for n in absent]
        pathways.record_attendance(session, atelier=ateliers[atelier], data={"attendance": entries})
    x, y = make_badge_class(session, a, now), make_badge_class(session, b, now)
    awards = {}
    for name, badge, person, day in [
        ("c1", x, "p1", "2026-03-12"),
        ("c2", x, "p2", "2026-02-01"),
        ("c3", y, "q1", "2026-03-25"),
        ("c4", x, "p4", "2026-03-05"),
    ]:
        awards[name] = issuance.award(
            session, keyring, badge_class=badge, beneficiary=people[person], links=links, now=at(day)
        )
    awards["c2"].revoked_at = at("2026-03-20")
    p = people
    grid(session, keyring, links, now, ateliers["a1"], staff_a, [(p["p1"], D06, "N1")], moment="avant")
    grid(session, keyring, links, now, ateliers["a2"], staff_a, [(p["p1"], D06, "N2"), (p["p3"], D07, "N1")])
    grid(
        session,
        keyring,
        links,
        now,
        ateliers["a1"],
        staff_a,
        [(p["p2"], D07, "N1")],
        method="auto_evaluation",
    )
    grid(session, keyring, links, now, ateliers["b1"], staff_b, [(p["q1"], A01, "N2"), (p["q2"], A01, "N3")])
    grid(session, keyring, links, now, ateliers["a3"], staff_a, [(p["p1"], D07, "N1")])
    session.flush()
    return {"a": a, "b": b}


def figures(**values):
    base = {
        "beneficiaries": 0,
        "pathways": 0,
        "ateliers": 0,
        "atelier_hours": 0,
        "participant_hours": 0,
        "tiers_lieux": 0,
        "badges_issued": 0,
        "badges_revoked": 0,
        "skills_acquired": {},
    }
    return {**base, **values}


def test_totals_for_the_period_are_the_hand_counts(session, dataset):
    result = key_figures(session, period=MARCH, filters=Filters())
    assert result["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert result["totals"] == figures(
        beneficiaries=5,  # p1, p2, p3 (A1) + q1, q2 (B1); p4's pathway ended in February
        pathways=2,  # A1, B1
        ateliers=3,  # a1, a2, b1
        atelier_hours=6.5,  # a1 2 h, a2 1.5 h, b1 3 h: atelier time, each atelier once
        participant_hours=13.0,  # a1: 2+2, a2: 1.5+1.5, b1: 3+3
        tiers_lieux=2,
        badges_issued=3,  # c1, c3, c4
        badges_revoked=1,  # c2
        skills_acquired={
            "parcours-autonomie:A-01": 1,
            "parcours-decouverte:D-06": 1,  # p1 rose from N1 (avant) to N2
            # D-07: p3's one N1 is a first rating, no acquisition (figures_skills.py)
        },
    )


def test_figures_per_tiers_lieu_and_department(session, dataset):
    result = key_figures(session, period=MARCH, filters=Filters())
    a_figures = figures(
        beneficiaries=3,
        pathways=1,
        ateliers=2,
        atelier_hours=3.5,
        participant_hours=7.0,
        tiers_lieux=1,
        badges_issued=2,
        badges_revoked=1,
        skills_acquired={"parcours-decouverte:D-06": 1},
    )
    b_figures = figures(
        beneficiaries=2,
        pathways=1,
        ateliers=1,
        atelier_hours=3.0,
        participant_hours=6.0,
        tiers_lieux=1,
        badges_issued=1,
        skills_acquired={"parcours-autonomie:A-01": 1},
    )
    assert result["by"]["tiers_lieu"] == [
        {"key": dataset["a"].slug, **a_figures},
        {"key": dataset["b"].slug, **b_figures},
    ]
    assert result["by"]["department"] == [{"key": "93", **b_figures}, {"key": "94", **a_figures}]


def test_figures_per_pathway_type(session, dataset):
    result = key_figures(session, period=MARCH, filters=Filters())
    assert result["by"]["pathway_type"] == [
        {
            "key": "court",
            **figures(
                beneficiaries=3,
                pathways=1,
                ateliers=2,
                atelier_hours=3.5,
                participant_hours=7.0,
                tiers_lieux=1,
                badges_issued=1,
                badges_revoked=1,
                skills_acquired={"parcours-decouverte:D-06": 1},
            ),
        },
        {
            "key": "long_augmente",
            **figures(
                beneficiaries=2,
                pathways=1,
                ateliers=1,
                atelier_hours=3.0,
                participant_hours=6.0,
                tiers_lieux=1,
                badges_issued=1,
                skills_acquired={"parcours-autonomie:A-01": 1},
            ),
        },
        # c4: p4 is enrolled in no pathway of the period.
        {"key": "non_renseigne", **figures(badges_issued=1)},
    ]


def test_figures_per_profile(session, dataset):
    result = key_figures(session, period=MARCH, filters=Filters())
    assert result["by"]["profile"] == [
        {
            "key": "exclu",
            **figures(
                beneficiaries=2,
                pathways=1,
                ateliers=2,
                atelier_hours=3.5,  # a1 and a2, once each
                participant_hours=5.0,  # a1: p1 2 h; a2: p1 and p3 1.5 h each
                tiers_lieux=1,
                badges_issued=1,
                skills_acquired={"parcours-decouverte:D-06": 1},
            ),
        },
        {
            "key": "initie",
            **figures(
                beneficiaries=1,
                pathways=1,
                ateliers=1,
                atelier_hours=3.0,
                participant_hours=3.0,
                tiers_lieux=1,  # B (q1); A has only p4's badge here, and a badge alone is not activity
                badges_issued=2,
            ),
        },
        {
            "key": "intermediaire",
            **figures(
                beneficiaries=1,
                pathways=1,
                ateliers=1,
                atelier_hours=2.0,
                participant_hours=2.0,
                tiers_lieux=1,
                badges_revoked=1,
            ),
        },
        {
            "key": "non_renseigne",
            **figures(
                beneficiaries=1,
                pathways=1,
                ateliers=1,
                atelier_hours=3.0,
                participant_hours=3.0,
                tiers_lieux=1,
                skills_acquired={"parcours-autonomie:A-01": 1},
            ),
        },
    ]


def test_filters_and_scope_narrow_every_figure(session, dataset):
    exclu = key_figures(session, period=MARCH, filters=Filters(profile="exclu"))
    assert exclu["totals"] == figures(
        beneficiaries=2,
        pathways=1,
        ateliers=2,
        atelier_hours=3.5,
        participant_hours=5.0,
        tiers_lieux=1,
        badges_issued=1,
        skills_acquired={"parcours-decouverte:D-06": 1},
    )
    only_b = key_figures(session, period=MARCH, filters=Filters(issuer_ids=[dataset["b"].id]))
    by_department = key_figures(session, period=MARCH, filters=Filters(department="93"))
    assert (
        only_b["totals"]
        == by_department["totals"]
        == figures(
            beneficiaries=2,
            pathways=1,
            ateliers=1,
            atelier_hours=3.0,
            participant_hours=6.0,
            tiers_lieux=1,
            badges_issued=1,
            skills_acquired={A01: 1},
        )
    )
    court = key_figures(session, period=MARCH, filters=Filters(pathway_type="court"))
    assert court["totals"]["participant_hours"] == 7.0 and court["totals"]["badges_issued"] == 1
    learning = key_figures(session, period=MARCH, filters=Filters(category=LEARN))
    assert learning["totals"] == court["totals"]  # A1 is the only court and the only apprentissage pathway
    assert learning["totals"]["atelier_hours"] == 3.5


def test_figures_per_pathway_category(session, dataset):
    result = key_figures(session, period=MARCH, filters=Filters())
    by_type = {row["key"]: row for row in result["by"]["pathway_type"]}
    same_pathways = {LEARN: "court", HYBRID: "long_augmente", "non_renseigne": "non_renseigne"}
    # A2, the only professionnalisation pathway, ended in February: no row.
    assert [row["key"] for row in result["by"]["category"]] == [LEARN, HYBRID, "non_renseigne"]
    for row in result["by"]["category"]:
        assert {**row, "key": same_pathways[row["key"]]} == by_type[same_pathways[row["key"]]]


def test_a_person_in_two_categories_counts_once_in_the_total_and_once_in_each_row(
    session, keyring, links, now
):
    """Atelier hours count an atelier once whoever came; a tiers-lieu with only a badge is not active."""
    place = make_issuer(session, keyring, links, now, slug="actif", department="75")
    quiet = make_issuer(session, keyring, links, now, slug="calme", department="77")
    person = make_beneficiary(session, place, now, profile="initie")
    other = make_beneficiary(session, place, now, profile="exclu")
    learning = make_pathway(session, place, now, category=LEARN, type="court")
    pro = make_pathway(session, place, now, category=PRO, type="long")
    enrol(session, learning, now, person, other)
    enrol(session, pro, now, person)
    for pathway, minutes, present in ((learning, 150, [person, other]), (pro, 90, [person]), (pro, 60, [])):
        atelier = make_atelier(session, pathway, now, held_on="2026-03-10", duration_minutes=minutes)
        entries = [{"beneficiary": p.public_id, "present": True} for p in present]
        if entries:
            pathways.record_attendance(session, atelier=atelier, data={"attendance": entries})
    issuance.award(
        session,
        keyring,
        badge_class=make_badge_class(session, quiet, now),
        beneficiary=make_beneficiary(session, quiet, now),
        links=links,
        now=now,
    )
    session.flush()
    result = key_figures(session, period=MARCH, filters=Filters())
    assert result["totals"] == figures(
        beneficiaries=2,
        pathways=2,
        ateliers=3,  # the 60-minute one with nobody marked present was held all the same
        atelier_hours=5.0,  # 2.5 + 1.5 + 1
        participant_hours=6.5,  # 2.5 × 2 + 1.5 × 1
        tiers_lieux=1,
        badges_issued=1,
    )
    by_category = {row.pop("key"): row for row in result["by"]["category"]}
    assert by_category == {
        LEARN: figures(
            beneficiaries=2, pathways=1, ateliers=1, atelier_hours=2.5, participant_hours=5.0, tiers_lieux=1
        ),
        PRO: figures(
            beneficiaries=1, pathways=1, ateliers=2, atelier_hours=2.5, participant_hours=1.5, tiers_lieux=1
        ),
        "non_renseigne": figures(badges_issued=1),
    }
    assert [(row["key"], row["tiers_lieux"]) for row in result["by"]["tiers_lieu"]] == [
        ("actif", 1),
        ("calme", 0),
    ]


def test_february_counts_the_earlier_facts(session, dataset):
    february = Period(datetime(2026, 2, 1).date(), datetime(2026, 2, 28).date())
    totals = key_figures(session, period=february, filters=Filters())["totals"]
    # A2 (p4, p1) and B1 (q1, q2); ateliers a4 and b2 (1 h each, one person each); c2 issued on 1 February.
    assert totals == figures(
        beneficiaries=4,
        pathways=2,
        ateliers=2,
        atelier_hours=2.0,
        participant_hours=2.0,
        tiers_lieux=2,
        badges_issued=1,
    )


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [("2026-03-01", "2026-02-01", {"to"}), ("mars", "2026-03-31", {"from"}), (None, None, {"from", "to"})],
)
def test_a_bad_period_is_refused(start, end, fields):
    with pytest.raises(InvalidInput) as caught:
        period_of(start, end)
    assert set(caught.value.fields) == fields
