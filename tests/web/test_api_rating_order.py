"""The API refuses a *pendant* rating after the *après* one with 422, French field errors, nothing stored
(issue 14; programme/rating_order.py)."""

from __future__ import annotations

import pytest

from badges.models import Evaluation
from tests.web.programme_helpers import D06, cells, count, make_tiers, setup_pathway


@pytest.fixture
def api(session, keyring, links, now, client):
    return make_tiers(session, keyring, links, now, client)["api"]


def test_a_pendant_after_the_apres_is_422_and_stores_nothing(api, session):
    data = setup_pathway(api)
    awa = data["people"][0]
    grid_url = f"/ateliers/{data['atelier']['id']}/grid"
    done = api.post(grid_url, json={"moment": "apres", "method": "observation", "results": cells([awa])})
    assert done.status_code == 201, done.json
    before = count(session, Evaluation)
    late = api.post(grid_url, json={"moment": "pendant", "method": "observation", "results": cells([awa])})
    assert late.status_code == 422
    assert "le bilan « après » est déjà noté" in str(late.json), late.json
    single = {"beneficiary": awa["id"], "competency": D06, "moment": "pendant", "method": "observation",
              "result": "N1", "atelier": data["atelier"]["id"]}  # fmt: skip
    refused = api.post("/evaluations", json=single)
    assert refused.status_code == 422 and "moment" in str(refused.json), refused.json
    assert count(session, Evaluation) == before
