"""Programme API: frameworks, badge classes, beneficiaries, pathways, ateliers, grids, awards waiting, flags,
with 422 and French field errors on invalid input (nothing stored)."""

from __future__ import annotations

import pytest

from badges.models import BadgeClass, Beneficiary, Credential, Evaluation, Framework, Pathway
from tests.web.programme_helpers import D06, D07, cells, count, make_tiers, setup_pathway


@pytest.fixture
def tiers(session, keyring, links, now, client):
    return make_tiers(session, keyring, links, now, client)


@pytest.fixture
def api(tiers):
    return tiers["api"]


def test_the_whole_flow_grid_issues_consent_releases_lower_result_flags(api, session):
    data = setup_pathway(api)
    awa, karim = data["people"]
    grid_url = f"/ateliers/{data['atelier']['id']}/grid"
    response = api.post(
        grid_url, json={"moment": "apres", "method": "observation", "results": cells([awa, karim])}
    )
    assert response.status_code == 201, response.json
    assert len(response.json["evaluations"]) == 4
    (issued,) = response.json["issued"]
    assert issued["beneficiary"] == awa["id"]
    (pending,) = response.json["pending"]
    assert pending["beneficiary"] == karim["id"]
    assert api.get("/pending-awards").json["items"][0]["display_name"] == "Karim"

    consent = api.post(f"/beneficiaries/{karim['id']}/consent")
    assert consent.status_code == 200 and consent.json["beneficiary"]["consent"] is True
    assert [a["beneficiary"] for a in consent.json["issued"]] == [karim["id"]]
    assert api.get("/pending-awards").json["total"] == 0

    lower = api.post(
        grid_url,
        json={
            "moment": "apres",
            "method": "quiz",
            "results": [{"beneficiary": awa["id"], "competency": D06, "result": "N1"}],
        },
    )
    assert lower.json["flags"] == []  # N1 -> N1 is not lower
    assert lower.json["not_issued"][0]["reasons"] == [
        {"kind": "already", "subject": "", "level": "", "needed": 0, "done": 0}
    ], "Awa holds the badge already: said as data"
    api.post(
        grid_url,
        json={
            "moment": "apres",
            "method": "quiz",
            "results": [{"beneficiary": awa["id"], "competency": D07, "result": "N2"}],
        },
    )
    lower = api.post(
        grid_url,
        json={
            "moment": "apres",
            "method": "quiz",
            "results": [{"beneficiary": awa["id"], "competency": D07, "result": "N1"}],
        },
    )
    (flag_id,) = lower.json["flags"]
    flags = api.get("/flags?open=1").json
    assert flags["total"] == 1
    assert flags["items"][0]["message"] == "Niveau en baisse pour D-07 : N2 puis N1."
    assert api.get(f"/awards/{issued['id']}").json["revoked"] is False
    resolved = api.post(f"/flags/{flag_id}/resolve", json={"note": "Vu avec Awa : badge maintenu."})
    assert resolved.status_code == 200 and resolved.json["resolved"] is True
    assert api.get("/flags?open=1").json["total"] == 0
    assert count(session, Credential) == 3  # two here, one in the other tiers-lieu


def test_a_bad_cell_rejects_the_grid_with_422_naming_the_cell_and_saves_nothing(api, session):
    data = setup_pathway(api)
    awa = data["people"][0]
    results = cells([awa])
    results[1]["result"] = "N7"
    before = count(session, Evaluation)
    response = api.post(
        f"/ateliers/{data['atelier']['id']}/grid",
        json={"moment": "apres", "method": "jeu", "results": results},
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "results[1]": "Cellule Awa × D-07 : niveau attendu : N1, N2, N3, N4."
    }
    assert count(session, Evaluation) == before and count(session, Credential) == 1


def test_attendance_completes_a_minimum_attendance_rule(api):
    data = setup_pathway(api, rule=[{"type": "min_attendance", "ateliers": 1}])
    awa = data["people"][0]
    response = api.put(
        f"/ateliers/{data['atelier']['id']}/attendance",
        json={"attendance": [{"beneficiary": awa["id"], "present": True}]},
    )
    assert response.status_code == 200, response.json
    assert response.json["atelier"]["attendance"] == [{"beneficiary": awa["id"], "present": True}]
    assert [a["beneficiary"] for a in response.json["issued"]] == [awa["id"]]


def test_single_evaluation_and_listing(api):
    data = setup_pathway(api)
    awa = data["people"][0]
    response = api.post(
        "/evaluations",
        json={
            "beneficiary": awa["id"],
            "competency": D06,
            "moment": "avant",
            "method": "entretien",
            "result": "N1",
            "atelier": data["atelier"]["id"],
            "note": "Diagnostic",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["evaluation"]["evaluated_at"].startswith("2026-03-10")
    listed = api.get(f"/evaluations?beneficiary={awa['id']}").json
    assert listed["total"] == 1 and listed["items"][0]["note"] == "Diagnostic"


def test_badge_class_crud_and_revision_after_an_award(api, session):
    data = setup_pathway(api)
    badge = data["badge"]
    assert badge["rule"] == [{"type": "competences_acquired"}]
    assert badge["criteria_composed"] and badge["revision"] == 1
    api.post(
        f"/ateliers/{data['atelier']['id']}/grid",
        json={"moment": "apres", "method": "observation", "results": cells(data["people"][:1])},
    )
    edited = api.patch(f"/badge-classes/{badge['id']}", json={"name": "Envoyer des e-mails"})
    assert edited.status_code == 200 and edited.json["revision"] == 2
    assert edited.json["achievement"] != badge["achievement"]
    assert api.get(f"/badge-classes/{badge['id']}").json["name"] == "Envoyer des e-mails"
    assert api.delete(f"/badge-classes/{badge['id']}").status_code == 409
    unused = api.post(
        "/badge-classes",
        json={"name": "Autre", "description": "d", "level": "N2", "competencies": ["pix-crcn:1.1"]},
    ).json
    assert api.get("/badge-classes?per_page=1&page=2").json["total"] == 2
    assert api.delete(f"/badge-classes/{unused['id']}").status_code == 204
    assert api.get(f"/badge-classes/{unused['id']}").status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        (
            "/badge-classes",
            {
                "name": "x",
                "description": "d",
                "level": "N1",
                "competencies": [D06],
                "rule": [{"type": "min_attendance", "hours": -1}],
            },
            {"rule[0].hours"},
        ),
        (
            "/badge-classes",
            {"name": "Badge exclu", "description": "d", "level": "N1", "competencies": [D06]},
            {"name"},
        ),
        (
            "/beneficiaries",
            {"display_name": "Awa", "nationality": "FR", "nir": "1 85"},
            {"nationality", "nir"},
        ),
        (
            "/beneficiaries",
            {"display_name": "", "needs_french_support": "oui"},
            {"display_name", "needs_french_support"},
        ),
        (
            "/pathways",
            {"title": "P", "type": "moyen", "category": "x", "start_date": "01/03/2026"},
            {"type", "category", "start_date"},
        ),
        (
            "/pathways",
            {
                "title": "P",
                "type": "court",
                "category": "hybride_creatif",
                "start_date": "2026-03-01",
                "end_date": "2026-02-01",
            },
            {"end_date"},
        ),
        (
            "/evaluations",
            {"beneficiary": "x", "competency": D06, "moment": "avant", "method": "jeu"},
            {"beneficiary", "result"},
        ),
    ],
)
def test_invalid_input_is_422_with_french_field_errors_and_nothing_stored(api, session, path, body, fields):
    before = [count(session, m) for m in (BadgeClass, Beneficiary, Pathway, Evaluation)]
    response = api.post(path, json=body)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == fields
    assert response.json["error"]["message"] == "Certaines données sont invalides."
    assert [count(session, m) for m in (BadgeClass, Beneficiary, Pathway, Evaluation)] == before


def test_beneficiary_crud_keeps_minimal_data(api, session):
    person = api.post("/beneficiaries", json={"display_name": "Léa", "needs_french_support": True}).json
    assert person["needs_french_support"] is True and person["consent"] is False
    edited = api.patch(f"/beneficiaries/{person['id']}", json={"phone": "06 12 34 56 78"})
    assert edited.status_code == 200 and edited.json["phone"] == "06 12 34 56 78"
    assert api.patch(f"/beneficiaries/{person['id']}", json={"consent": True}).status_code == 422
    assert api.delete(f"/beneficiaries/{person['id']}").status_code == 204
    assert api.get(f"/beneficiaries/{person['id']}").status_code == 404


def test_personal_criteria_through_the_api(api):
    data = setup_pathway(api)
    url = f"/pathways/{data['pathway']['id']}/beneficiaries/{data['people'][0]['id']}/criteria"
    body = {"criteria": [{"text": t, "rating": "N1"} for t in ("CV", "Actualisation", "Rendez-vous")]}
    assert api.put(url, json=body).status_code == 200
    rated = api.post(url + "/ratings", json={"moment": "apres", "ratings": ["N3", "N2", "N2"]})
    assert [c["end"] for c in rated.json["criteria"]] == ["N3", "N2", "N2"]
    assert api.get(url).json["criteria"][0] == {
        "position": 1,
        "text": "CV",
        "start": "N1",
        "during": None,
        "end": "N3",
    }


def test_frameworks_list_get_import_and_export(api, session):
    listed = api.get("/frameworks?per_page=2").json
    assert listed["total"] == 5 and len(listed["items"]) == 2
    framework = api.get("/frameworks/parcours-decouverte").json
    assert framework["versions"] == ["1.0"] and framework["competencies"][0]["code"] == "D-01"
    csv = api.get("/frameworks/parcours-decouverte/export.csv")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    imported = api.client.post(
        "/api/v1/frameworks/import.csv?slug=parcours-decouverte&version=1.1&kind=profile&profile=exclu"
        "&name=Parcours%20D%C3%A9couverte",
        data=csv.data,
        headers={**api.headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 201, imported.json
    assert api.get("/frameworks/parcours-decouverte").json["versions"] == ["1.0", "1.1"]
    document = api.get("/frameworks/parcours-decouverte/export.json").json
    document["slug"], document["kind"], document["profile"] = "parcours-local", "profile", "initie"
    assert api.post("/frameworks", json=document).status_code == 201


def test_framework_import_errors_list_rows_and_write_nothing(api, session):
    before = count(session, Framework)
    body = {
        "slug": "local",
        "version": "1",
        "name": "Local",
        "kind": "reference",
        "competencies": [{"code": "A", "title": "Un"}, {"code": "A", "title": ""}],
    }
    response = api.post("/frameworks", json=body)
    assert response.status_code == 422
    assert response.json["error"]["rows"] == [
        {"row": 2, "field": "title", "message": "Ce champ est obligatoire."},
        {"row": 2, "field": "code", "message": "Ce code est déjà utilisé plus haut."},
    ]
    assert response.json["error"]["fields"]["ligne 2 : code"] == "Ce code est déjà utilisé plus haut."
    wrong_type = api.client.post("/api/v1/frameworks/import.csv", data="code;title", headers=api.headers)
    assert wrong_type.status_code == 415
    assert count(session, Framework) == before


def test_ateliers_and_pathways_with_their_data_can_be_deleted(api, session):
    data = setup_pathway(api)
    results = cells(data["people"][:1])
    api.post(
        f"/ateliers/{data['atelier']['id']}/grid",
        json={"moment": "apres", "method": "jeu", "results": results},
    )
    assert api.delete(f"/ateliers/{data['atelier']['id']}").status_code == 204
    assert api.get(f"/evaluations?beneficiary={data['people'][0]['id']}").json["total"] == 2
    assert api.delete(f"/pathways/{data['pathway']['id']}").status_code == 204
    assert api.get(f"/pathways/{data['pathway']['id']}").status_code == 404
    assert api.get(f"/badge-classes/{data['badge']['id']}").status_code == 200


@pytest.fixture
def inline_max_zero(app):
    before = app.config["INLINE_AWARDS_MAX"]
    app.config["INLINE_AWARDS_MAX"] = 0
    yield
    app.config["INLINE_AWARDS_MAX"] = before


def test_past_the_threshold_the_grid_answers_202_and_a_job_signs_the_badges(
    api, app, session, inline_max_zero
):
    from badges import jobs

    data = setup_pathway(api)
    awa, karim = data["people"]
    response = api.post(
        f"/ateliers/{data['atelier']['id']}/grid",
        json={"moment": "apres", "method": "observation", "results": cells([awa, karim])},
    )
    assert response.status_code == 202, response.json
    assert response.json["issued"] == [] and len(response.json["evaluations"]) == 4
    assert [p["beneficiary"] for p in response.json["pending"]] == [karim["id"]]  # recorded at once
    job = response.json["job"]
    assert job["progress"] == f"/api/v1/jobs/{job['id']}"
    assert jobs.wait(app)
    found = api.get(job["progress"].removeprefix("/api/v1"))
    assert found.status_code == 200, found.json
    assert (found.json["state"], found.json["done"], found.json["total"]) == ("done", 1, 1)
    (public_id,) = found.json["issued"]
    assert api.get(f"/awards/{public_id}").json["beneficiary"] == awa["id"]
    assert api.get(f"/jobs/{job['id'] + 1000}").status_code == 404
