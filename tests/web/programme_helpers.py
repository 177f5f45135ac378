"""Shared pieces of the programme API tests: an authenticated client, two tiers-lieux, a pathway set up."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import D06, D07, grid, make_coordinator, make_issuer, make_programme, make_staff


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


class Api:
    def __init__(self, client, token, coordinator=None):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}
        # The network's coordination, who makes the partner agencies and their counsellors.
        self.coordinator = coordinator

    def __getattr__(self, method):
        def call(path, **kwargs):
            return getattr(self.client, method)("/api/v1" + path, headers=self.headers, **kwargs)

        return call


def make_tiers(session, keyring, links, now, client):
    """Our tiers-lieu (a staff token) and another one with objects of every kind."""
    mine = make_issuer(session, keyring, links, now)
    other = make_issuer(session, keyring, links, now, department="93")
    _, token = make_staff(session, mine, now)
    _, coordinator = make_coordinator(session, now)
    theirs = make_programme(session, keyring, links, now, issuer=other)
    badge, pathway, atelier, (person,) = theirs.badge, theirs.pathway, theirs.atelier, theirs.people
    (credential,) = grid(
        session, keyring, links, now, atelier, theirs.staff, [(person, D06, "N2"), (person, D07, "N1")]
    )[1].issued
    (flag,) = grid(session, keyring, links, now, atelier, theirs.staff, [(person, D06, "N1")])[1].flags
    session.commit()
    foreign = {
        "badge": badge.public_id,
        "person": person.public_id,
        "pathway": pathway.public_id,
        "atelier": atelier.public_id,
        "flag": flag.public_id,
        "award": credential.public_id,
    }
    coordination = Api(client, coordinator)
    return {
        "api": Api(client, token, coordination),
        "coordinator": coordination,
        "foreign": foreign,
        "mine": mine,
        "other": other,
    }


def setup_pathway(api, rule=None):
    badge = api.post(
        "/badge-classes",
        json={
            "name": "Mes premiers e-mails",
            "description": "Je sais créer mon adresse e-mail et envoyer un message.",
            "level": "N1",
            "profile": "exclu",
            "competencies": [D06, D07],
            "rule": rule if rule is not None else [{"type": "competences_acquired"}],
        },
    )
    assert badge.status_code == 201, badge.json
    coordination = api.coordinator
    agency = coordination.post("/agencies", json={"name": "France Travail Créteil", "department": "94"}).json
    counsellor = coordination.post(
        f"/agencies/{agency['id']}/counsellors", json={"email": "c@ft.example", "name": "Inès"}
    )
    assert counsellor.status_code == 201
    pathway = api.post(
        "/pathways",
        json={
            "title": "Numérique et emploi",
            "type": "long",
            "category": "professionnalisation",
            "start_date": "2026-03-01",
            "end_date": "2026-05-31",
            "agency": agency["id"],
            "counsellor": counsellor.json["id"],
            "badge_classes": [badge.json["id"]],
        },
    )
    assert pathway.status_code == 201, pathway.json
    atelier = api.post(
        f"/pathways/{pathway.json['id']}/ateliers",
        json={
            "title": "Ma boîte mail",
            "held_on": "2026-03-10",
            "duration_minutes": 120,
            "competencies": [D06, D07],
        },
    )
    assert atelier.status_code == 201, atelier.json
    people = []
    for name, consent in (("Awa", True), ("Karim", False)):
        person = api.post(
            "/beneficiaries", json={"display_name": name, "consent": consent, "profile": "exclu"}
        ).json
        assert (
            api.post(
                f"/pathways/{pathway.json['id']}/enrolments", json={"beneficiary": person["id"]}
            ).status_code
            == 201
        )
        people.append(person)
    return {"badge": badge.json, "pathway": pathway.json, "atelier": atelier.json, "people": people}


def cells(people, result="N1"):
    return [{"beneficiary": p["id"], "competency": c, "result": result} for p in people for c in (D06, D07)]
