"""Hostile bodies on every API write: a 4xx with a JSON error (never a 500), and nothing stored.

The routes come from the app's url_map: a new POST/PUT/PATCH route without a line in ROUTES fails
`test_every_write_route_has_a_row`.
"""

from __future__ import annotations

import pytest

from tests.web.api_world import counts, fill, make_world

DEPTH = 100_000
# (route, method) -> (URL with the owner's ids, who may call it).
ROUTES: dict[tuple[str, str], tuple[str, str]] = {
    ("api.create_badge_class", "POST"): ("/badge-classes", "owner"),
    ("api.update_badge_class", "PATCH"): ("/badge-classes/{badge}", "owner"),
    ("api.create_beneficiary", "POST"): ("/beneficiaries", "owner"),
    ("api.update_beneficiary", "PATCH"): ("/beneficiaries/{person}", "owner"),
    ("api.record_consent", "POST"): ("/beneficiaries/{person}/consent", "owner"),
    ("api.renew_private_link", "POST"): ("/beneficiaries/{person}/private-link", "owner"),
    ("api.create_agency", "POST"): ("/agencies", "coordinator"),
    ("api.create_counsellor", "POST"): ("/agencies/{agency}/counsellors", "coordinator"),
    ("api.create_pathway", "POST"): ("/pathways", "owner"),
    ("api.update_pathway", "PATCH"): ("/pathways/{pathway}", "owner"),
    ("api.enrol", "POST"): ("/pathways/{pathway}/enrolments", "owner"),
    ("api.create_atelier", "POST"): ("/pathways/{pathway}/ateliers", "owner"),
    ("api.update_atelier", "PATCH"): ("/ateliers/{atelier}", "owner"),
    ("api.record_attendance", "PUT"): ("/ateliers/{atelier}/attendance", "owner"),
    ("api.set_criteria", "PUT"): ("/pathways/{pathway}/beneficiaries/{person}/criteria", "owner"),
    ("api.rate_criteria", "POST"): ("/pathways/{pathway}/beneficiaries/{person}/criteria/ratings", "owner"),
    ("api.create_evaluation", "POST"): ("/evaluations", "owner"),
    ("api.record_grid", "POST"): ("/ateliers/{atelier}/grid", "owner"),
    ("api.resolve_flag", "POST"): ("/flags/{flag}/resolve", "owner"),
    ("api.create_award", "POST"): ("/awards", "owner"),
    ("api.revoke_award", "POST"): ("/awards/{award}/revoke", "owner"),
    ("api.erase_award", "POST"): ("/awards/{award}/erase", "owner"),
    ("api.send_award", "POST"): ("/awards/{award}/send", "owner"),
    ("api.import_framework", "POST"): ("/frameworks", "owner"),
    ("api.import_framework_csv", "POST"): ("/frameworks/import.csv", "owner"),
    ("api.verify", "POST"): ("/verify", "anonymous"),
    ("api.create_endorsement", "POST"): ("/endorsements", "counsellor"),
    ("api.withdraw_endorsement", "POST"): (
        "/endorsements/a4b9c1d2-0000-4000-8000-000000000000/withdraw",
        "counsellor",
    ),
}
JSON = "application/json"


def hostile(limit: int) -> dict[str, tuple[bytes, str]]:
    """Name -> (raw body, content type)."""
    return {
        "deeply nested": (b'{"a":' * DEPTH + b"1" + b"}" * DEPTH, JSON),
        "deeply nested arrays": (b'{"a":' + b"[" * DEPTH + b"]" * DEPTH + b"}", JSON),
        "over the size limit": (b'{"name": "' + b"x" * limit + b'"}', JSON),
        "invalid UTF-8": (b'{"name": "caf\xe9 \xff"}', JSON),
        "an array": (b'[{"name": "x"}]', JSON),
        "an unknown field": (b'{"zz_unknown": 1}', JSON),
        "a duplicate key": (b'{"name": "a", "name": "b"}', JSON),
        "NaN": (b'{"name": NaN}', JSON),
        "a wrong content type": (b'{"name": "x"}', "text/plain"),
    }


def test_every_write_route_has_a_row(app):
    writes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods & {"POST", "PUT", "PATCH"}
    }
    assert writes - set(ROUTES) == set(), "write routes without a hostile-input row: add them to ROUTES"
    assert set(ROUTES) - writes == set(), "ROUTES names routes that no longer exist"


def _refused(response, endpoint: str) -> bool:
    if endpoint == "api.verify" and response.status_code in (200, 413):
        # The verifier answers any input with a report (README: never a 500, `valid: false` with a reason).
        return response.json["valid"] is False
    return 400 <= response.status_code < 500 and response.is_json and "message" in response.json["error"]


@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_hostile_bodies_are_refused_and_store_nothing(
    app, session, keyring, links, now, client, endpoint, method
):
    world = make_world(session, keyring, links, now, client)
    path, role = ROUTES[(endpoint, method)]
    api = world.clients[role]
    headers = {} if role == "anonymous" else api.headers
    before = counts(session)
    wrong = {}
    for name, (raw, content_type) in hostile(app.config["MAX_CONTENT_LENGTH"]).items():
        response = client.open(
            "/api/v1" + fill(path, world.ids),
            method=method,
            data=raw,
            content_type=content_type,
            headers=headers,
        )
        if not _refused(response, endpoint):
            wrong[name] = (response.status_code, response.get_data()[:200])
    assert wrong == {}, "payload: (status, body)"
    assert counts(session) == before
