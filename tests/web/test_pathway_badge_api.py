"""The JSON API makes a pathway badge with the badge class (`pathway_badge`), shows it back, answers 422
with field errors and stores nothing when the body names another tiers-lieu's pathway or badges."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from badges.models import BadgeClass, PathwayBadge
from tests.web.programme_helpers import D06, D07, cells, count, make_tiers, setup_pathway


@pytest.fixture
def tiers(session, keyring, links, now, client):
    return make_tiers(session, keyring, links, now, client)


def body(rule):
    return {
        "name": "Parcours complet",
        "description": "J'ai suivi tout le parcours.",
        "level": "N1",
        "competencies": [D06, D07],
        "pathway_badge": rule,
    }


def test_a_pathway_badge_made_through_the_api_is_issued_by_the_grid(tiers, session):
    api = tiers["api"]
    data = setup_pathway(api)
    rule = {"pathway": data["pathway"]["id"], "components": [data["badge"]["id"]], "min_ateliers": 1}
    made = api.post("/badge-classes", json=body(rule))
    assert made.status_code == 201, made.json
    assert made.json["pathway_badge"] == rule
    assert api.get(f"/badge-classes/{data['badge']['id']}").json["pathway_badge"] is None
    atelier = data["atelier"]["id"]
    awa = data["people"][0]
    came = api.put(f"/ateliers/{atelier}/attendance", json={"attendance": [{"beneficiary": awa["id"]}]})
    assert came.status_code == 200, came.json
    grid = {"moment": "apres", "method": "observation", "results": cells([awa])}
    response = api.post(f"/ateliers/{atelier}/grid", json=grid)
    assert response.status_code == 201, response.json
    assert [a["badge_class"] for a in response.json["issued"]] == [data["badge"]["id"], made.json["id"]]


def test_another_tiers_lieus_pathway_or_badge_is_a_422_and_nothing_is_stored(tiers, session):
    api, foreign = tiers["api"], tiers["foreign"]
    before = count(session, BadgeClass), count(session, PathwayBadge)
    response = api.post(
        "/badge-classes", json=body({"pathway": foreign["pathway"], "components": [foreign["badge"]]})
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"pathway_badge.pathway", "pathway_badge.components"}
    assert (count(session, BadgeClass), count(session, PathwayBadge)) == before


def test_a_class_shared_with_the_network_cannot_become_a_pathway_badge(tiers, session, now):
    api = tiers["api"]
    data = setup_pathway(api)
    made = api.post("/badge-classes", json={**body(None), "name": "Badge partagé"})
    assert made.status_code == 201, made.json
    shared = session.scalars(select(BadgeClass).where(BadgeClass.public_id == made.json["id"])).one()
    shared.shared_at = now
    session.commit()
    rule = {"pathway": data["pathway"]["id"], "components": [data["badge"]["id"]]}
    response = api.patch(f"/badge-classes/{made.json['id']}", json={"pathway_badge": rule})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "pathway_badge": "Ce badge est partagé avec le réseau : "
        "arrêtez de le partager avant d'en faire un badge de parcours."
    }
    assert count(session, PathwayBadge) == 0
