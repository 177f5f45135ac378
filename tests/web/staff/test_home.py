"""The staff home: today's and tomorrow's ateliers of the member's own tiers-lieu, with their grid."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.factories import enrol, make_atelier, make_beneficiary, make_pathway
from tests.web.staff.conftest import text


@pytest.fixture
def planned(app, session, world, now):
    """Ateliers on 12, 13 and 14 March 2026 in the first tiers-lieu, one on the 13th in the other one."""
    pathway = make_pathway(session, world.issuer, now, title="Parcours du jeudi")
    enrol(session, pathway, now, *(make_beneficiary(session, world.issuer, now) for _ in range(3)))
    ateliers = {
        day: make_atelier(session, pathway, now, title=f"Atelier du {day}", held_on=f"2026-03-{day}")
        for day in ("12", "13", "14")
    }
    elsewhere = make_pathway(session, world.other_issuer, now, title="Parcours d’ailleurs")
    make_atelier(session, elsewhere, now, title="Atelier d’ailleurs", held_on="2026-03-13")
    session.commit()
    return ateliers


def test_the_home_lists_today_and_tomorrow_with_links_to_page_and_grid(as_role, planned):
    response = as_role("staff").get("/staff/")
    page, html = text(response), response.get_data(as_text=True)
    today = page.index("Ateliers d’aujourd’hui")
    tomorrow = page.index("Ateliers de demain")
    assert "jeudi 12 mars" in page[today:tomorrow] and "Atelier du 12" in page[today:tomorrow]
    assert "Atelier du 13" in page[tomorrow:] and "vendredi 13 mars" in page[tomorrow:]
    assert "Atelier du 14" not in page
    assert "Parcours du jeudi" in page and "3 participants" in page and "2 h" in page
    atelier = planned["12"].public_id
    assert f'href="/staff/ateliers/{atelier}"' in html
    assert f'href="/staff/ateliers/{atelier}/grid"' in html and "Remplir la grille" in page


def test_the_home_shows_only_the_members_own_tiers_lieu(as_role, planned):
    assert "Atelier d’ailleurs" not in text(as_role("staff").get("/staff/"))


def test_the_other_tiers_lieu_sees_its_own_atelier_and_an_empty_today(as_role, planned):
    page = text(as_role("other_staff").get("/staff/"))
    assert "Atelier d’ailleurs" in page and "Atelier du 13" not in page
    assert "Pas d’atelier aujourd’hui." in page


def test_the_day_is_the_day_in_paris_not_in_utc(app, as_role, planned):
    # 23:30 UTC on 12 March is 00:30 on Friday 13 March in Paris: today is the 13th.
    app.config["CLOCK"].frozen = datetime(2026, 3, 12, 23, 30, tzinfo=UTC)
    page = text(as_role("staff").get("/staff/"))
    today, tomorrow = page.index("Ateliers d’aujourd’hui"), page.index("Ateliers de demain")
    assert "Atelier du 13" in page[today:tomorrow] and "Atelier du 14" in page[tomorrow:]
    assert "Atelier du 12" not in page


def test_without_ateliers_the_home_says_so(as_role, world, app):
    app.config["CLOCK"].frozen = datetime(2026, 8, 3, 9, 0, tzinfo=UTC)
    page = text(as_role("staff").get("/staff/"))
    assert "Pas d’atelier aujourd’hui." in page and "Pas d’atelier demain." in page
