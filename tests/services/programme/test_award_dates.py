"""A programme recorded after the fact keeps its dates (issue 14): the award date is the day of the
evaluation that completed the rule; the signature stays dated when it was made; reports count the badge in
the period it was awarded (programme/award_dates.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from badges.services.reporting.figures import key_figures
from badges.services.reporting.scope import Filters, Period
from tests.factories import D06, D07, grid, make_atelier

EARNED = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # the second atelier's day, at noon


def test_a_badge_entered_later_is_awarded_on_the_day_its_rule_was_met(session, keyring, links, now, world):
    awa = world.people[0]
    first = make_atelier(session, world.pathway, now, held_on="2026-03-03")
    second = make_atelier(session, world.pathway, now, held_on="2026-03-05")
    grid(session, keyring, links, now, first, world.staff, [(awa, D06, "N1")])
    _, outcome = grid(session, keyring, links, now, second, world.staff, [(awa, D07, "N1")])
    (credential,) = outcome.issued
    assert now.date() == date(2026, 3, 12)  # typed a week later
    assert credential.awarded_at == EARNED and credential.issued_at == now.replace(microsecond=0)
    ob3 = json.loads(credential.ob3_credential)
    assert ob3["awardedDate"] == "2026-03-05T12:00:00Z"
    assert ob3["validFrom"] == ob3["proof"][0]["created"] == "2026-03-12T10:00:00Z"
    assert json.loads(credential.ob2_assertion)["issuedOn"] == "2026-03-05T12:00:00Z"
    session.flush()
    day = Period(date(2026, 3, 5), date(2026, 3, 5))
    typed = Period(date(2026, 3, 12), date(2026, 3, 12))
    assert key_figures(session, period=day, filters=Filters())["totals"]["badges_issued"] == 1
    assert key_figures(session, period=typed, filters=Filters())["totals"]["badges_issued"] == 0


def test_an_award_is_never_dated_after_it_was_signed(session, keyring, links, now, world):
    awa = world.people[0]
    grid(session, keyring, links, now, world.atelier, world.staff, [(awa, D06, "N1")])
    later = make_atelier(session, world.pathway, now, held_on="2026-03-20")  # planned, graded early
    _, outcome = grid(session, keyring, links, now, later, world.staff, [(awa, D07, "N1")])
    (credential,) = outcome.issued
    assert credential.awarded_at == credential.issued_at == now.replace(microsecond=0)
