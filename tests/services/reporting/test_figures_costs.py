"""Budgets and costs of the key figures (issue 14; reporting/figures_costs.py), counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from badges.services.reporting.figures_costs import cost_csv_rows, cost_figures
from badges.services.reporting.scope import Filters, Period
from tests.factories import enrol, make_atelier, make_beneficiary, make_issuer, make_pathway

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def dataset(session, keyring, links, now):
    """A (dept 94): P1 court, March-April, default 5 000 €, 4 people, ateliers 10/03 2 h and 07/04 3 h (the
    April one is paid by the same budget: 5 h); P2 long, edited to 12 000 €, January-February (outside).
    B (dept 93): P3 long_augmente, from 15/02, open, 15 000 €, 2 people (one also in P1), no atelier yet.
    """
    a = make_issuer(session, keyring, links, now, department="94")
    b = make_issuer(session, keyring, links, now, department="93")
    people = [make_beneficiary(session, a, now, display_name=f"p{i}") for i in range(4)]
    q = make_beneficiary(session, b, now, display_name="q")
    p1 = make_pathway(session, a, now, type="court", start_date="2026-03-01", end_date="2026-04-30")
    p2 = make_pathway(
        session, a, now, type="long", budget="12000", start_date="2026-01-05", end_date="2026-02-20"
    )
    p3 = make_pathway(session, b, now, type="long_augmente", start_date="2026-02-15", end_date=None)
    enrol(session, p1, now, *people)
    enrol(session, p2, now, people[0])
    enrol(session, p3, now, q)
    make_atelier(session, p1, now, held_on="2026-03-10", duration_minutes=120)
    make_atelier(session, p1, now, held_on="2026-04-07", duration_minutes=180)
    make_atelier(session, p2, now, held_on="2026-02-10", duration_minutes=60)
    session.flush()
    return {"a": a, "b": b}


def row(key, budget, people, hours, per_person, per_hour):
    return {"key": key, "budget": budget, "beneficiaries": people, "atelier_hours": hours,
            "per_beneficiary": per_person, "per_hour": per_hour}  # fmt: skip


def test_costs_divide_the_period_pathways_budgets_by_their_people_and_hours(session, dataset):
    costs = cost_figures(session, period=MARCH, filters=Filters())
    assert costs["available"]
    # 5 000 + 15 000 € over 5 people (p0-p3, q) and 5 h (P3 has no atelier yet).
    assert costs["totals"] == row("Total", 20000, 5, 5.0, 4000.0, 4000.0)
    a, b = dataset["a"].slug, dataset["b"].slug
    assert costs["by"]["tiers_lieu"] == sorted(
        [row(a, 5000, 4, 5.0, 1250.0, 1000.0), row(b, 15000, 1, 0.0, 15000.0, None)],
        key=lambda r: r["key"],
    )
    assert costs["by"]["department"] == [
        row("93", 15000, 1, 0.0, 15000.0, None),  # no hours yet: no cost per hour, not 0
        row("94", 5000, 4, 5.0, 1250.0, 1000.0),
    ]
    assert [r["key"] for r in costs["by"]["pathway_type"]] == ["court", "long_augmente"]


def test_february_counts_the_edited_budget(session, dataset):
    february = Period(date(2026, 2, 1), date(2026, 2, 28))
    costs = cost_figures(session, period=february, filters=Filters(issuer_ids=[dataset["a"].id]))
    assert costs["totals"] == row("Total", 12000, 1, 1.0, 12000.0, 12000.0)


def test_filters_narrow_the_costs_and_a_profile_stops_them(session, dataset):
    court = cost_figures(session, period=MARCH, filters=Filters(pathway_type="court"))
    assert court["totals"] == row("Total", 5000, 4, 5.0, 1250.0, 1000.0)
    department = cost_figures(session, period=MARCH, filters=Filters(department="93"))
    assert department["totals"]["budget"] == 15000
    by_profile = cost_figures(session, period=MARCH, filters=Filters(profile="exclu"))
    assert not by_profile["available"] and by_profile["by"] == {}
    assert "non calculés" in cost_csv_rows(by_profile, {})[1][1]


def test_the_csv_rows_are_in_french(session, dataset):
    rows = cost_csv_rows(cost_figures(session, period=MARCH, filters=Filters()), {})
    assert rows[1][:3] == ["Coûts", "Valeur", "Budget (€)"]
    assert rows[2] == ["Total", "", "20\u202f000", "5", "5", "4\u202f000", "4\u202f000"]
    assert ["Département", "93", "15\u202f000", "1", "0", "15\u202f000", ""] in rows
