"""Every API write against every role, and every object a body names against its owner.

Rules: no token -> 401; a role the write is not for -> 403 (coordinators write nothing but partner agencies
and their counsellors, which only they make); another tiers-lieu's object in the URL -> 404, in the body ->
404 or 422 naming the field; a refused write stores nothing. A new write route without a line in TABLE fails
`test_every_api_write_is_in_the_table`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.api_world import ROLES, call, counts, fill, make_world
from tests.web.programme_helpers import D06

STAFF = frozenset({"staff", "owner"})
COORDINATION = frozenset({"coordinator"})
ENDORSERS = frozenset({"coordinator", "counsellor"})
PUBLIC = frozenset(ROLES)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PERSON_CELL = {"beneficiary": "{person}", "competency": D06, "result": "N2"}
EVALUATION = {
    "beneficiary": "{person}",
    "competency": D06,
    "moment": "apres",
    "method": "jeu",
    "result": "N3",
}


@dataclass(frozen=True)
class Expect:
    url: str
    body: Any = None
    # What the owner of the objects (or, for the coordination's writes, the coordinator) gets.
    ok: int = 200
    roles: frozenset[str] = STAFF
    # What a staff member of another tiers-lieu gets: 404 when the URL names the owner's object, 404/422
    # when only the body does; None: the write is theirs to make too (their own tiers-lieu).
    other: int | None = 404


TABLE: dict[tuple[str, str], Expect] = {
    ("api.create_badge_class", "POST"): Expect("/badge-classes", {}, ok=422, other=None),
    ("api.update_badge_class", "PATCH"): Expect("/badge-classes/{badge}", {"name": "Mes e-mails"}),
    ("api.delete_badge_class", "DELETE"): Expect("/badge-classes/{badge}", ok=409),
    ("api.create_beneficiary", "POST"): Expect("/beneficiaries", {"display_name": "Léa"}, ok=201, other=None),
    ("api.update_beneficiary", "PATCH"): Expect("/beneficiaries/{person}", {"display_name": "Léa"}),
    # The person holds a badge: erased first, then the person (409 says so).
    ("api.delete_beneficiary", "DELETE"): Expect("/beneficiaries/{person}", ok=409),
    ("api.record_consent", "POST"): Expect("/beneficiaries/{person}/consent"),
    ("api.renew_private_link", "POST"): Expect("/beneficiaries/{person}/private-link"),
    ("api.create_agency", "POST"): Expect(
        "/agencies", {"name": "Mission locale"}, ok=201, roles=COORDINATION
    ),
    ("api.create_counsellor", "POST"): Expect(
        "/agencies/{agency}/counsellors", {"name": "Léo", "email": "leo@ft.example"}, 201, COORDINATION
    ),
    ("api.create_pathway", "POST"): Expect("/pathways", {}, ok=422, other=None),
    ("api.update_pathway", "PATCH"): Expect("/pathways/{pathway}", {"title": "Numérique et emploi"}),
    ("api.delete_pathway", "DELETE"): Expect("/pathways/{pathway}", ok=204),
    ("api.enrol", "POST"): Expect("/pathways/{pathway}/enrolments", {"beneficiary": "{person}"}, ok=409),
    ("api.unenrol", "DELETE"): Expect("/pathways/{pathway}/enrolments/{person}", ok=204),
    ("api.create_atelier", "POST"): Expect("/pathways/{pathway}/ateliers", {}, ok=422),
    ("api.update_atelier", "PATCH"): Expect("/ateliers/{atelier}", {"title": "Ma boîte mail"}),
    ("api.delete_atelier", "DELETE"): Expect("/ateliers/{atelier}", ok=204),
    ("api.record_attendance", "PUT"): Expect(
        "/ateliers/{atelier}/attendance", {"attendance": [{"beneficiary": "{person}", "present": True}]}
    ),
    ("api.set_criteria", "PUT"): Expect("/pathways/{pathway}/beneficiaries/{person}/criteria", {}, ok=422),
    ("api.rate_criteria", "POST"): Expect(
        "/pathways/{pathway}/beneficiaries/{person}/criteria/ratings",
        {"moment": "pendant", "ratings": ["N2", "N2", "N3"]},
    ),
    ("api.create_evaluation", "POST"): Expect("/evaluations", EVALUATION, ok=201, other=422),
    ("api.record_grid", "POST"): Expect(
        "/ateliers/{atelier}/grid", {"moment": "apres", "method": "jeu", "results": [PERSON_CELL]}, ok=201
    ),
    ("api.resolve_flag", "POST"): Expect("/flags/{flag}/resolve", {"note": "Vu avec la personne."}),
    # The owner's class is not shared: another tiers-lieu is refused with a field error (issue 16).
    ("api.create_award", "POST"): Expect(
        "/awards", {"badge_class": "{spare_badge}", "beneficiary": "{person}"}, ok=201, other=422
    ),
    ("api.revoke_award", "POST"): Expect("/awards/{award}/revoke", {"reason": "Erreur de saisie."}),
    ("api.erase_award", "POST"): Expect("/awards/{award}/erase", ok=204),
    ("api.send_award", "POST"): Expect("/awards/{award}/send"),
    ("api.import_framework", "POST"): Expect("/frameworks", {}, ok=422, other=None),
    ("api.import_framework_csv", "POST"): Expect("/frameworks/import.csv", "", ok=422, other=None),
    # Endorsements (issue 16): the coordination and counsellors only; sent empty 422, unknown 404.
    ("api.create_endorsement", "POST"): Expect("/endorsements", {}, ok=422, roles=ENDORSERS, other=None),
    ("api.withdraw_endorsement", "POST"): Expect(
        "/endorsements/a4b9c1d2-0000-4000-8000-000000000000/withdraw", ok=404, roles=ENDORSERS, other=None
    ),
    # Public: anyone may verify; an envelope without its credential is a 422 for everyone.
    ("api.verify", "POST"): Expect("/verify", {}, ok=422, roles=PUBLIC, other=None),
}


def api_writes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods & WRITES
    }


def test_every_api_write_is_in_the_table(app):
    routes = api_writes(app)
    assert routes - set(TABLE) == set(), "API writes without an access expectation: add them to TABLE"
    assert set(TABLE) - routes == set(), "TABLE names routes that no longer exist"


def expected(expect: Expect, role: str) -> int:
    if role == "anonymous" and expect.roles is not PUBLIC:
        return 401
    if role not in expect.roles:
        return 403
    if role == "staff" and expect.other is not None:
        return expect.other
    return expect.ok


@pytest.mark.parametrize(("endpoint", "method"), sorted(TABLE))
def test_api_write_access(session, keyring, links, now, client, endpoint, method):
    """Every role against one write (the owner goes last: their write changes the world)."""
    world = make_world(session, keyring, links, now, client)
    expect = TABLE[(endpoint, method)]
    url, body = fill(expect.url, world.ids), fill(expect.body, world.ids)
    wrong = {}
    for role in ROLES:
        before = counts(session)
        response = call(world.clients[role], method, url, body)
        want = expected(expect, role)
        if response.status_code != want:
            wrong[role] = (response.status_code, want, response.get_data(as_text=True)[:300])
        elif want >= 400:
            assert response.is_json and "error" in response.json, (role, response.get_data())
            assert counts(session) == before, f"{role}: a refused write stored something"
    assert wrong == {}, "role: (got, expected, body)"


PATHWAY = {"title": "P", "type": "court", "category": "hybride_creatif", "start_date": "2026-03-01"}
MY_CELL = {"beneficiary": "{my_person}", "competency": D06, "result": "N2"}
MY_EVALUATION = {**EVALUATION, "beneficiary": "{my_person}"}


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "field"),
    [
        # A pathway names badge classes (the tiers-lieu's own), an agency (shared) and its counsellor.
        ("POST", "/pathways", {**PATHWAY, "badge_classes": ["{badge}"]}, 422, "badge_classes"),
        (
            "PATCH",
            "/pathways/{my_pathway}",
            {"badge_classes": ["{my_badge}", "{badge}"]},
            422,
            "badge_classes",
        ),
        ("POST", "/pathways", {**PATHWAY, "counsellor": "{counsellor}"}, 422, "counsellor"),
        (
            "POST",
            "/pathways",
            {**PATHWAY, "agency": "{other_agency}", "counsellor": "{counsellor}"},
            422,
            "counsellor",
        ),
        ("PATCH", "/pathways/{my_pathway}", {"counsellor": "{counsellor}"}, 422, "counsellor"),
        ("POST", "/pathways/{my_pathway}/enrolments", {"beneficiary": "{person}"}, 404, None),
        (
            "PUT",
            "/ateliers/{my_atelier}/attendance",
            {"attendance": [{"beneficiary": "{person}", "present": True}]},
            422,
            "attendance[0]",
        ),
        ("POST", "/evaluations", EVALUATION, 422, "beneficiary"),
        ("POST", "/evaluations", {**MY_EVALUATION, "atelier": "{atelier}"}, 422, "atelier"),
        ("POST", "/evaluations", {**MY_EVALUATION, "pathway": "{pathway}"}, 422, "pathway"),
        (
            "POST",
            "/ateliers/{my_atelier}/grid",
            {"moment": "apres", "method": "jeu", "results": [MY_CELL, PERSON_CELL]},
            422,
            "results[1]",
        ),
        # Another tiers-lieu's class it does not share: 422 naming the field (shared classes, issue 16).
        ("POST", "/awards", {"badge_class": "{badge}", "beneficiary": "{my_person}"}, 422, "badge_class"),
        ("POST", "/awards", {"badge_class": "{my_badge}", "beneficiary": "{person}"}, 404, None),
        # Only the coordination makes counsellor accounts, in any agency (the finding: a tiers-lieu's team
        # made one in an agency other tiers-lieux work with, then read their beneficiaries through it).
        ("POST", "/agencies/{agency}/counsellors", {"name": "Léo", "email": "leo@ft.example"}, 403, None),
        ("POST", "/agencies", {"name": "Mission locale"}, 403, None),
    ],
)
def test_a_body_naming_what_is_not_the_callers_is_refused_and_stores_nothing(
    session, keyring, links, now, client, method, url, body, status, field
):
    world = make_world(session, keyring, links, now, client)
    before = counts(session)
    response = call(world.clients["staff"], method, fill(url, world.ids), fill(body, world.ids))
    assert response.status_code == status, response.json
    if field is not None:
        assert field in response.json["error"]["fields"], response.json
    assert counts(session) == before


def test_a_pathway_takes_the_counsellor_of_its_agency(session, keyring, links, now, client):
    world = make_world(session, keyring, links, now, client)
    body = {**PATHWAY, "agency": world.ids["agency"], "counsellor": world.ids["counsellor"]}
    response = world.clients["staff"].post("/pathways", json=body)
    assert response.status_code == 201, response.json
    assert response.json["counsellor"]["agency"] == world.ids["agency"]
    moved = world.clients["staff"].patch(f"/pathways/{response.json['id']}", json={"agency": None})
    assert moved.status_code == 422 and set(moved.json["error"]["fields"]) == {"counsellor"}


def test_coordinators_make_agencies_and_counsellors_with_field_errors(session, keyring, links, now, client):
    coordinator = make_world(session, keyring, links, now, client).clients["coordinator"]
    bad = coordinator.post("/agencies", json={"name": "", "department": "999"})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"name", "department"}
    agency = coordinator.post("/agencies", json={"name": "Mission locale", "department": "94"})
    assert agency.status_code == 201
    person = coordinator.post(
        f"/agencies/{agency.json['id']}/counsellors", json={"name": "Léo", "email": "x"}
    )
    assert person.status_code == 422 and set(person.json["error"]["fields"]) == {"email"}
