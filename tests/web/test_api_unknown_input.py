"""Nothing a client sends to the API is silently dropped: unknown query parameters and body fields, at any
depth, are a 422 naming them, and nothing is stored."""

from __future__ import annotations

import pytest

from badges.web.api.inputs import declared_inputs
from tests.web.api_world import call, counts, fill, make_world
from tests.web.programme_helpers import D06

PERIOD = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def world(session, keyring, links, now, client):
    return make_world(session, keyring, links, now, client)


def api_routes(app) -> list[tuple[str, str, str]]:
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def test_every_api_route_declares_its_inputs(app):
    missing = [
        endpoint
        for endpoint, _, _ in api_routes(app)
        if declared_inputs(app.view_functions[endpoint]) is None
    ]
    assert missing == [], "declare the query parameters and body of these routes with inputs.accepts"


def test_every_api_route_refuses_an_unknown_query_parameter(app, session, world, client):
    """Checked before the view runs, so any id in the path will do."""
    before = counts(session)
    wrong = {}
    for endpoint, method, rule in api_routes(app):
        url = rule.replace("<fmt>", "ob3.json").replace("<slug>", "pix-crcn")
        for name in ("public_id", "beneficiary_id"):
            url = url.replace(f"<{name}>", "x")
        api = world.clients["coordinator" if "agencies" in rule else "owner"]
        response = client.open(url + "?zz_unknown=1&lang=fr", method=method, headers=api.headers, json={})
        fields = response.json.get("error", {}).get("fields", {}) if response.is_json else {}
        if response.status_code != 422 or set(fields) != {"zz_unknown"}:
            wrong[(endpoint, method)] = (response.status_code, fields)
    assert wrong == {}
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        (f"/reports?{PERIOD}&categorie=hybride_creatif", {"categorie"}),
        (f"/reports?{PERIOD}&foo=1&tiers_lieux=x", {"foo", "tiers_lieux"}),
        ("/pathways?foo=bar", {"foo"}),
        ("/beneficiaries?pathwya=x", {"pathwya"}),
        ("/evaluations?beneficiary=x&atelierr=y", {"atelierr"}),
        ("/flags?opened=1", {"opened"}),
    ],
)
def test_lists_and_reports_refuse_unknown_filters(world, path, fields):
    response = world.clients["owner"].get(path)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == fields
    assert "Paramètre inconnu" in response.json["error"]["fields"][sorted(fields)[0]]


def test_known_filters_still_answer(world):
    assert world.clients["owner"].get(f"/reports?{PERIOD}&lang=en").status_code == 200
    assert world.clients["owner"].get("/evaluations?beneficiary=x&page=1&per_page=5").status_code == 200
    # `category` is a known filter: a real value answers, a wrong one names the accepted values.
    assert world.clients["owner"].get(f"/reports?{PERIOD}&category=hybride_creatif").status_code == 200
    wrong = world.clients["owner"].get(f"/reports?{PERIOD}&category=x")
    assert wrong.status_code == 422
    assert "Paramètre inconnu" not in wrong.json["error"]["fields"]["category"]


PATHWAY = {"title": "P", "type": "court", "category": "hybride_creatif", "start_date": "2026-03-01"}
CELL = {"beneficiary": "{person}", "competency": D06, "result": "N2"}


@pytest.mark.parametrize(
    ("method", "path", "body", "fields"),
    [
        ("POST", "/pathways", {**PATHWAY, "budget_eur": 1200}, {"budget_eur"}),
        ("PATCH", "/pathways/{pathway}", {"title": "P", "budget_eur": 1200}, {"budget_eur"}),
        ("POST", "/pathways/{pathway}/ateliers", {"title": "A", "room": "B12"}, {"room"}),
        (
            "PATCH",
            "/badge-classes/{badge}",
            {"name": "X", "rule": [{"type": "min_attendance", "x": 1}]},
            {"rule[0].x"},
        ),
        (
            "POST",
            "/ateliers/{atelier}/grid",
            {"moment": "apres", "method": "jeu", "results": [{**CELL, "colour": "vert"}]},
            {"results[0].colour"},
        ),
        (
            "PUT",
            "/ateliers/{atelier}/attendance",
            {"attendance": [{"beneficiary": "{person}", "present": True, "late": True}]},
            {"attendance[0].late"},
        ),
        (
            "POST",
            "/awards",
            {
                "badge_class": "{spare_badge}",
                "beneficiary": "{person}",
                "evidence": [{"name": "a", "url": "u"}],
            },
            {"evidence[0].url"},
        ),
        ("POST", "/awards/{award}/revoke", {"reason": "r", "notify": True}, {"notify"}),
        ("POST", "/beneficiaries/{person}/consent", {"date": "2026-03-01"}, {"date"}),
        ("POST", "/flags/{flag}/resolve", {"note": "vu", "revoke": True}, {"revoke"}),
        (
            "POST",
            "/frameworks",
            {
                "slug": "f",
                "competencies": [{"code": "A", "alignments": [{"framework": "pix-crcn", "weight": 2}]}],
            },
            {"competencies[0].alignments[0].weight"},
        ),
        ("POST", "/verify", {"credential": {"any": "thing"}, "mail": "a@b.fr"}, {"mail"}),
    ],
)
def test_unknown_body_fields_at_any_depth_are_refused(session, world, method, path, body, fields):
    before = counts(session)
    response = call(world.clients["owner"], method, fill(path, world.ids), fill(body, world.ids))
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == fields
    assert all(message.startswith("Champ inconnu") for message in response.json["error"]["fields"].values())
    assert counts(session) == before
