"""Programme API access: another tiers-lieu's objects are 404 (never 403), coordinators read everything and
write nothing, reports are scoped, pagination is checked."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from badges.models import BadgeClass, Beneficiary, Credential, Evaluation, Pathway
from tests.web.programme_helpers import D06, count, make_tiers


@pytest.fixture
def tiers(session, keyring, links, now, client):
    return make_tiers(session, keyring, links, now, client)


@pytest.fixture
def api(tiers):
    return tiers["api"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/badge-classes/{badge}", None),
        ("patch", "/badge-classes/{badge}", {"name": "x"}),
        ("delete", "/badge-classes/{badge}", None),
        ("get", "/beneficiaries/{person}", None),
        ("patch", "/beneficiaries/{person}", {"display_name": "x"}),
        ("delete", "/beneficiaries/{person}", None),
        ("post", "/beneficiaries/{person}/consent", None),
        ("get", "/pathways/{pathway}", None),
        ("patch", "/pathways/{pathway}", {"title": "x"}),
        ("delete", "/pathways/{pathway}", None),
        ("get", "/pathways/{pathway}/enrolments", None),
        ("post", "/pathways/{pathway}/enrolments", {"beneficiary": "{person}"}),
        ("get", "/pathways/{pathway}/ateliers", None),
        (
            "post",
            "/pathways/{pathway}/ateliers",
            {"title": "x", "held_on": "2026-03-10", "duration_minutes": 60, "competencies": [D06]},
        ),
        ("get", "/pathways/{pathway}/beneficiaries/{person}/criteria", None),
        ("get", "/ateliers/{atelier}", None),
        ("patch", "/ateliers/{atelier}", {"title": "x"}),
        ("delete", "/ateliers/{atelier}", None),
        ("put", "/ateliers/{atelier}/attendance", {"attendance": [{"beneficiary": "{person}"}]}),
        ("post", "/ateliers/{atelier}/grid", {"moment": "apres", "method": "jeu", "results": []}),
        ("post", "/flags/{flag}/resolve", {}),
        ("get", "/awards/{award}", None),
    ],
)
def test_another_tiers_lieu_objects_are_404_never_403(tiers, session, method, path, body):
    foreign = tiers["foreign"]
    before = [count(session, m) for m in (BadgeClass, Beneficiary, Pathway, Evaluation, Credential)]
    kwargs = {}
    if body is not None:
        kwargs["json"] = {k: v.format(**foreign) if isinstance(v, str) else v for k, v in body.items()}
    if method == "post" and body is None:
        kwargs["json"] = {}
    response = getattr(tiers["api"], method)(path.format(**foreign), **kwargs)
    assert response.status_code == 404, response.json
    assert [count(session, m) for m in (BadgeClass, Beneficiary, Pathway, Evaluation, Credential)] == before


@pytest.mark.parametrize(
    ("path", "mine", "everyone"),
    [
        ("/badge-classes", 0, 1),
        ("/beneficiaries", 0, 1),
        ("/pathways", 0, 1),
        ("/evaluations", 0, 3),
        ("/pending-awards", 0, 0),
        ("/flags", 0, 1),
    ],
)
def test_lists_show_staff_their_tiers_lieu_and_coordinators_every_one(tiers, path, mine, everyone):
    assert tiers["api"].get(path).json["total"] == mine
    assert tiers["coordinator"].get(path).json["total"] == everyone


def test_coordinators_read_any_object_but_write_nothing(tiers):
    coordinator, foreign = tiers["coordinator"], tiers["foreign"]
    assert coordinator.get(f"/pathways/{foreign['pathway']}").status_code == 200
    assert coordinator.get(f"/beneficiaries/{foreign['person']}").status_code == 200
    assert coordinator.post("/beneficiaries", json={"display_name": "x"}).status_code == 403
    assert coordinator.patch(f"/pathways/{foreign['pathway']}", json={"title": "x"}).status_code == 403


def test_reports_for_staff_and_coordinators(tiers):
    staff = tiers["api"].get("/reports?from=2026-03-01&to=2026-03-31")
    assert staff.status_code == 200 and staff.json["totals"]["badges_issued"] == 0
    everyone = tiers["coordinator"].get("/reports?from=2026-03-01&to=2026-03-31").json
    assert everyone["totals"]["badges_issued"] == 1 and everyone["totals"]["beneficiaries"] == 1
    assert [g["key"] for g in everyone["by"]["department"]] == ["93"]
    one = tiers["coordinator"].get(f"/reports?from=2026-03-01&to=2026-03-31&tiers_lieu={tiers['other'].slug}")
    assert one.json["totals"] == everyone["totals"]
    hidden = tiers["api"].get(f"/reports?from=2026-03-01&to=2026-03-31&tiers_lieu={tiers['other'].slug}")
    assert hidden.status_code == 422 and set(hidden.json["error"]["fields"]) == {"tiers_lieu"}
    bad = tiers["api"].get(
        "/reports?from=mars&to=2026-03-31&profile=autre&pathway_type=x&department=2C&category=long"
    )
    assert set(bad.json["error"]["fields"]) == {"from", "profile", "pathway_type", "department", "category"}
    assert bad.json["error"]["fields"]["category"].startswith("Valeur attendue : apprentissage_par_le_faire")


@pytest.mark.parametrize("query", ["page=0", "per_page=500", "page=x"])
def test_bad_pagination_is_422(api, query):
    assert api.get(f"/pathways?{query}").status_code == 422


# Found by schemathesis (tests/web/test_api_fuzz.py): both were a 500.
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=31785653100311690084352", "page"),  # an offset past the database's 64-bit integers
        ("page=1000001", "page"),
        ("page=%C2%B2", "page"),  # "²": str.isdigit() says yes, int() says no
        ("per_page=%C2%B9", "per_page"),
    ],
)
def test_a_page_number_too_large_or_not_ascii_is_422_not_500(api, query, field):
    response = api.get(f"/beneficiaries?{query}")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {field}


def test_the_last_allowed_page_is_an_empty_page(api):
    response = api.get("/beneficiaries?page=1000000")
    assert response.status_code == 200 and response.json["items"] == []


def test_public_framework_page_anchors_every_competence(client, links, session, api):
    page = client.get(urlsplit(links.framework("parcours-pas-a-pas")).path, headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert 'id="P-01"' in text and 'id="P-10"' in text
    assert "Niveau visé : N2 (Je fais seul, pas à pas)" in text


def test_a_bulk_job_is_read_by_its_tiers_lieu_and_the_coordination_only(tiers, session, now, client):
    from sqlalchemy import select

    from badges.services.shared import job_records

    foreign = tiers["foreign"]
    issuer_id = session.scalar(select(Credential.issuer_id).where(Credential.public_id == foreign["award"]))
    job, _ = job_records.create(
        session,
        kind="bulk-issue",
        key=f"test-bulk:{issuer_id}",
        payload={"issuer": issuer_id, "pairs": []},
        now=now,
    )
    job_records.finish(session, job.id, now=now)  # done: nothing for the worker to wait for
    session.commit()
    assert tiers["api"].get(f"/jobs/{job.id}").status_code == 404  # another tiers-lieu's
    found = tiers["coordinator"].get(f"/jobs/{job.id}")
    assert found.status_code == 200 and (found.json["state"], found.json["total"]) == ("done", 0)
    assert client.get(f"/api/v1/jobs/{job.id}").status_code == 401
    assert tiers["api"].get("/jobs/abc").status_code == 404
