"""Shared badge classes on the staff screens and the API: share, award from another tiers-lieu, stop."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, event, func, select

from badges.models import BadgeClass, Credential
from tests.factories import make_badge_class, make_beneficiary, make_pathway, make_staff
from tests.web.staff.conftest import post, sign_in, text


def count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Credential))


@pytest.fixture
def shared(session, world, now):
    """A class of the first tiers-lieu, and a consenting beneficiary of the second one."""
    badge = make_badge_class(session, world.issuer, now, name="Réserver un train en ligne")
    person = make_beneficiary(session, world.other_issuer, now, display_name="Lina", email="lina@example.org")
    session.commit()
    return badge, person


def share(client, badge, action="share"):
    return post(client, f"/staff/badge-classes/{badge.public_id}/share", {"action": action})


def award(client, badge, person):
    return post(client, f"/staff/beneficiaries/{person.public_id}/award", {"badge_class": badge.public_id})


def test_creator_shares_and_another_tiers_lieu_awards_in_its_own_name(client, session, world, links, shared):
    badge, person = shared
    sign_in(client, world.users["staff"])
    page = text(client.get(f"/staff/badge-classes/{badge.public_id}"))
    assert "Ce badge n’est pas partagé." in page
    response = share(client, badge)
    assert response.status_code == 303
    page = text(client.get(f"/staff/badge-classes/{badge.public_id}"))
    assert "Le badge est partagé" in page and "Ce badge est partagé." in page

    sign_in(client, world.users["other_staff"])
    listed = text(client.get("/staff/badge-classes"))
    assert "Badges partagés par le réseau" in listed and "Réserver un train en ligne" in listed
    assert f"Créé par {world.issuer.name}" in listed
    chooser = text(client.get(f"/staff/beneficiaries/{person.public_id}"))
    assert f"Réserver un train en ligne ({world.issuer.name})" in chooser
    response = award(client, badge, person)
    assert response.status_code == 303, text(response)
    session.rollback()
    credential = session.scalars(select(Credential).where(Credential.beneficiary_id == person.id)).one()
    assert credential.issuer_id == world.other_issuer.id and credential.badge_class_id == badge.id
    document = json.loads(credential.ob3_credential)
    assert document["issuer"]["id"] == links.issuer(world.other_issuer.slug)
    assert document["credentialSubject"]["achievement"]["creator"]["id"] == links.issuer(world.issuer.slug)
    public = text(client.get(f"/credentials/{credential.public_id}", headers={"Accept": "text/html"}))
    assert f"Délivré par {world.other_issuer.name}" in public
    assert f"Badge créé par {world.issuer.name}" in public
    # The creator's class stays the creator's: the other tiers-lieu cannot edit, delete or unshare it.
    for url in (f"/staff/badge-classes/{badge.public_id}", f"/staff/badge-classes/{badge.public_id}/edit"):
        assert client.get(url).status_code == 404
    assert share(client, badge, "stop").status_code == 404
    session.rollback()
    assert session.get(BadgeClass, badge.id).shared_at is not None


def test_stopping_refuses_new_awards_and_keeps_the_earlier_ones(client, session, world, now, shared):
    badge, person = shared
    sign_in(client, world.users["staff"])
    share(client, badge)
    sign_in(client, world.users["other_staff"])
    assert award(client, badge, person).status_code == 303
    sign_in(client, world.users["staff"])
    response = share(client, badge, "stop")
    assert response.status_code == 303
    assert "Les badges déjà délivrés par les autres tiers-lieux restent valides." in text(
        client.get(response.headers["Location"])
    )
    second = make_beneficiary(session, world.other_issuer, now, display_name="Noé", email="noe@example.org")
    session.commit()
    before = count(session)
    sign_in(client, world.users["other_staff"])
    response = award(client, badge, second)
    assert response.status_code == 422
    assert "Ce badge appartient à un autre tiers-lieu, qui ne le partage pas" in text(response)
    assert count(session) == before
    earlier = session.scalars(select(Credential).where(Credential.beneficiary_id == person.id)).one()
    assert earlier.revoked_at is None
    assert client.get(f"/credentials/{earlier.public_id}").status_code == 200


def test_a_pathway_badge_cannot_be_shared(client, session, world, now):
    component = make_badge_class(session, world.issuer, now, name="Composant")
    pathway = make_pathway(session, world.issuer, now)
    whole = make_badge_class(
        session, world.issuer, now, name="Tout le parcours",
        pathway_badge={"pathway": pathway.public_id, "components": [component.public_id]},
    )  # fmt: skip
    session.commit()
    sign_in(client, world.users["staff"])
    response = share(client, whole)
    assert response.status_code == 422
    assert "Un badge de parcours ne peut pas être partagé" in text(response)
    session.rollback()
    assert session.get(BadgeClass, whole.id).shared_at is None


def test_api_awards_a_shared_class_and_refuses_one_not_shared(client, session, world, now, shared):
    badge, person = shared
    _, token = make_staff(session, world.other_issuer, now)
    not_shared = make_badge_class(session, world.issuer, now, name="Pas partagé")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"badge_class": not_shared.public_id, "beneficiary": person.public_id}
    refused = client.post("/api/v1/awards", json=body, headers=headers)
    assert refused.status_code == 422
    assert "ne le partage pas" in refused.json["error"]["fields"]["badge_class"]
    assert count(session) == 1
    assert client.get("/api/v1/shared-badge-classes", headers=headers).json["total"] == 0
    sign_in(client, world.users["staff"])
    share(client, badge)
    listed = client.get("/api/v1/shared-badge-classes", headers=headers).json
    assert [(c["id"], c["creator"]["name"]) for c in listed["items"]] == [
        (badge.public_id, world.issuer.name)
    ]
    assert "profile" not in listed["items"][0]  # the creator's internal fields stay out
    _, creator_token = make_staff(session, world.issuer, now)
    session.commit()
    creator_headers = {"Authorization": f"Bearer {creator_token}"}
    assert client.get("/api/v1/shared-badge-classes", headers=creator_headers).json["total"] == 0
    assert client.get(f"/api/v1/badge-classes/{badge.public_id}", headers=creator_headers).json["shared"]
    created = client.post(
        "/api/v1/awards",
        json={"badge_class": badge.public_id, "beneficiary": person.public_id},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    assert created.json["badge_class"] == badge.public_id
    # The beneficiary named in the body is checked too: the creator's person is not the other's to award.
    own = world.award.beneficiary
    crossed = client.post(
        "/api/v1/awards", json={"badge_class": badge.public_id, "beneficiary": own.public_id}, headers=headers
    )
    assert crossed.status_code == 404
    assert count(session) == 2


def test_key_figures_count_a_shared_class_per_tiers_lieu(client, session, world, shared):
    badge, person = shared
    sign_in(client, world.users["staff"])
    share(client, badge)
    sign_in(client, world.users["other_staff"])
    award(client, badge, person)
    sign_in(client, world.users["coordinator"])
    page = text(client.get("/staff/figures"))
    assert "Badges partagés dans le réseau" in page
    assert f"Tiers-lieu Délivrés {world.other_issuer.name} 1" in page
    # The second tiers-lieu's staff sees no figures of a class it did not create.
    sign_in(client, world.users["other_staff"])
    assert "Badges partagés dans le réseau" not in text(client.get("/staff/figures"))


def test_a_pathway_may_name_a_shared_class_never_one_not_shared(client, session, world, now, shared):
    badge, _ = shared
    not_shared = make_badge_class(session, world.issuer, now, name="Gardé pour soi")
    session.commit()
    sign_in(client, world.users["staff"])
    share(client, badge)
    sign_in(client, world.users["other_staff"])
    form = text(client.get("/staff/pathways/new"))
    assert f"Réserver un train en ligne ({world.issuer.name})" in form and "Gardé pour soi" not in form
    data = {"title": "Mobilité", "type": "court", "category": "hybride_creatif", "start_date": "2026-03-01"}
    refused = post(client, "/staff/pathways/new", {**data, "badge_classes": not_shared.public_id})
    assert refused.status_code == 422 and "Badges inconnus dans ce tiers-lieu." in text(refused)
    made = post(client, "/staff/pathways/new", {**data, "badge_classes": badge.public_id})
    assert made.status_code == 303
    assert "Réserver un train en ligne" in text(client.get(made.headers["Location"]))


def test_the_api_lists_shared_classes_in_as_many_reads_whatever_their_number(client, session, world, now):
    """Each class's creator and latest revision are loaded with the page, not one query per class."""
    _, token = make_staff(session, world.other_issuer, now)
    headers = {"Authorization": f"Bearer {token}"}

    def share_new(name: str) -> None:
        make_badge_class(session, world.issuer, now, name=name).shared_at = now
        session.commit()

    def statements() -> tuple[int, int]:
        seen: list[str] = []

        def listener(_conn, _cursor, statement, *_args):
            if statement.startswith("SELECT") and "api_token" not in statement:  # the listing's own reads
                seen.append(statement)

        session.expunge_all()  # nothing already loaded by this test helps the request
        event.listen(Engine, "before_cursor_execute", listener)
        try:
            listed = client.get("/api/v1/shared-badge-classes", headers=headers).json
        finally:
            event.remove(Engine, "before_cursor_execute", listener)
        return listed["total"], len(seen)

    share_new("Classe 0")
    one, few = statements()
    for n in range(1, 5):
        share_new(f"Classe {n}")
    many, after = statements()
    assert (one, many) == (1, 5) and after == few
