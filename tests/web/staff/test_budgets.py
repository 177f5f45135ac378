"""Budgets on the pathway screens, and the cost figures: coordinators see them, staff and counsellors do
not, on the page, in the CSV file and through the API (issue 14)."""

from __future__ import annotations

import pytest

from badges.models import Pathway
from tests.web.api_world import make_world
from tests.web.staff.conftest import post, text

FIGURES = "/staff/figures?from=2026-01-01&to=2026-12-31"
PATHWAY = {"title": "Premiers pas", "type": "long", "category": "hybride_creatif", "start_date": "2026-03-01"}


def test_a_pathway_gets_its_typed_budget_or_the_programme_amount(staff, session):
    response = post(staff, "/staff/pathways/new", {**PATHWAY, "budget": "12 500"})
    assert response.status_code == 303
    assert "12 500 €" in text(staff.get(response.headers["Location"]))
    default = post(staff, "/staff/pathways/new", {**PATHWAY, "title": "Sans budget", "budget": ""})
    assert "10 000 €" in text(staff.get(default.headers["Location"]))
    edit = staff.get(default.headers["Location"] + "/edit")
    assert 'name="budget"' in edit.get_data(as_text=True) and 'value="10000"' in edit.get_data(as_text=True)


def test_a_wrong_budget_is_refused_per_field_and_what_was_typed_stays(staff, session):
    before = session.query(Pathway).count()
    response = post(staff, "/staff/pathways/new", {**PATHWAY, "budget": "dix mille"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nombre entier de 0 à 1 000 000" in text(response) and 'value="dix mille"' in page
    assert session.query(Pathway).count() == before


def test_coordinators_see_the_costs_on_the_page_and_in_the_csv(as_role, world):
    coordinator = as_role("coordinator")
    page = text(coordinator.get(FIGURES))
    assert "Budgets et coûts" in page and "Coût par bénéficiaire" in page
    assert "Coût par heure d'accompagnement" in page
    body = coordinator.get(FIGURES.replace("figures", "figures.csv")).get_data(as_text=True)
    assert "Coûts;Valeur;Budget (€);Bénéficiaires;Heures d'accompagnement;Coût par bénéficiaire" in body
    # The world's one "court" pathway: 5 000 € for one person and one 2-hour atelier.
    assert "Total;;5\u202f000;1;2;5\u202f000;2\u202f500" in body, body


def test_staff_never_see_the_costs(as_role, world):
    staff = as_role("staff")
    page = text(staff.get(FIGURES))
    assert "Chiffres clés" in page and "Budget" not in page and "Coût" not in page
    body = staff.get(FIGURES.replace("figures", "figures.csv")).get_data(as_text=True)
    assert "Coût" not in body and "Budget" not in body
    assert as_role("counsellor").get(FIGURES).status_code == 403


@pytest.fixture
def api(session, keyring, links, now, client):
    return make_world(session, keyring, links, now, client)


def test_the_api_gives_the_costs_to_coordinators_only(api):
    period = "/reports?from=2026-01-01&to=2026-12-31"
    found = api.clients["coordinator"].get(period)
    assert found.status_code == 200
    costs = found.get_json()["costs"]
    assert costs["available"] and costs["totals"]["budget"] > 0
    assert {"per_beneficiary", "per_hour"} <= set(costs["totals"])
    for role in ("owner", "staff"):
        answer = api.clients[role].get(period)
        assert answer.status_code == 200 and "costs" not in answer.get_json()
    assert api.clients["counsellor"].get(period).status_code == 403
