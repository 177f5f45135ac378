"""Partner agencies for the coordination: create one, invite its counsellors, who then sign in."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from badges.models import Agency, User
from badges.services.programme import pathways
from tests.factories import coordination, count_committed, make_pathway
from tests.web.staff.conftest import PASSWORD, post, sign_in, text


@pytest.fixture
def coordinator(client, world):
    sign_in(client, world.users["coordinator"])
    return client


def test_the_list_shows_each_agency_with_its_accounts_and_pathways(coordinator, session, world, now):
    agency = world.users["counsellor"].agency
    make_pathway(session, world.issuer, now, title="Premiers pas", agency=agency.public_id)
    session.commit()
    page = text(coordinator.get("/staff/agencies"))
    assert agency.name in page
    detail = text(coordinator.get(f"/staff/agencies/{agency.public_id}"))
    assert world.users["counsellor"].email in detail and "Actif" in detail
    assert "Premiers pas" in detail and world.issuer.name in detail


def test_a_new_agency_and_its_first_counsellor_who_accepts_the_invitation(client, coordinator, session, smtp):
    data = {
        "name": "France Travail Ivry",
        "department": "94",
        "person_name": "Sami",
        "person_email": "sami@ft.example",
    }
    response = post(coordinator, "/staff/agencies/new", data)
    assert response.status_code == 303
    page = text(coordinator.get(response.headers["Location"]))
    assert "L’agence « France Travail Ivry » est créée." in page
    assert "L'invitation part vers sami@ft.example" in page and "Invitation en attente" in page
    counsellor = session.scalars(select(User).where(User.email == "sami@ft.example")).one()
    assert counsellor.role == "counsellor" and counsellor.agency.name == "France Travail Ivry"
    assert counsellor.issuer_id is None and counsellor.password_hash is None
    assert "France Travail Ivry" in smtp.body() and "conseil en agence partenaire" in smtp.body()
    post(client, "/staff/logout")
    link = urlsplit(smtp.link()).path
    assert post(client, link, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 303
    assert "France Travail Ivry" in text(client.get("/staff/agency"))


def test_every_error_is_shown_at_once_and_nothing_is_made(coordinator, session, world, smtp):
    before = (count_committed(session, Agency), count_committed(session, User))
    data = {
        "name": "",
        "department": "999",
        "person_name": "Sami",
        "person_email": world.users["staff"].email,
    }
    response = post(coordinator, "/staff/agencies/new", data)
    assert response.status_code == 422
    page = text(response)
    assert "Nom de l’agence : Ce champ est obligatoire." in page
    assert "Numéro de département invalide" in page
    assert "Un compte existe déjà avec cette adresse." in page
    assert (count_committed(session, Agency), count_committed(session, User)) == before
    assert smtp.messages == []


def test_inviting_a_counsellor_to_an_existing_agency_and_again(coordinator, session, world, now, smtp):
    agency = pathways.create_agency(session, by=coordination(), data={"name": "Mission locale"}, now=now)
    session.commit()
    url = f"/staff/agencies/{agency.public_id}/invite"
    person = {"person_name": "Léa", "person_email": "lea@ml.example"}
    assert post(coordinator, url, person).status_code == 303
    assert post(coordinator, url, person).status_code == 303
    assert len(smtp.messages) == 2 and count_committed(session, User) == 5
    taken = post(coordinator, url, {"person_name": "X", "person_email": world.users["counsellor"].email})
    assert taken.status_code == 422 and "Un compte existe déjà avec cette adresse." in text(taken)


def test_an_unknown_agency_is_not_found(coordinator):
    assert coordinator.get("/staff/agencies/inconnue").status_code == 404
    assert post(coordinator, "/staff/agencies/inconnue/invite", {}).status_code == 404
