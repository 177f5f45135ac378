"""The coordination's screens: the network's tiers-lieux, creating one with its first member, inviting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from badges.models import Issuer, User
from badges.services.credentials import signing_keys
from tests.web.staff.conftest import post, sign_in, text

PLACE = {
    "name": "La Mine",
    "slug": "la-mine",
    "url": "https://la-mine.example",
    "email": "bonjour@la-mine.example",
    "department": "94",
    "description": "",
}


@pytest.fixture
def coordinator(client, world):
    sign_in(client, world.users["coordinator"])
    return client


def key_files(app) -> int:
    return len(list(Path(app.config["KEYS_DIR"]).iterdir()))


def test_the_network_lists_every_tiers_lieu_with_its_figures(coordinator, world):
    page = text(coordinator.get("/staff/network"))
    assert world.issuer.name in page and world.other_issuer.name in page
    detail = text(coordinator.get(f"/staff/network/{world.issuer.slug}"))
    assert world.users["staff"].email in detail and "Actif" in detail


def test_a_new_tiers_lieu_gets_its_keys_and_its_first_member_an_invitation(coordinator, session, smtp):
    data = {**PLACE, "staff_name": "Inès", "staff_email": "ines@la-mine.example"}
    response = post(coordinator, "/staff/network/new", data)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/network/la-mine"
    page = text(coordinator.get(response.headers["Location"]))
    assert (
        "Le tiers-lieu « La Mine » est créé." in page
        and "L'invitation part vers ines@la-mine.example" in page
    )
    issuer = session.scalars(select(Issuer).where(Issuer.slug == "la-mine")).one()
    assert len(signing_keys.published_keys(session, issuer=issuer)) == 2
    member = session.scalars(select(User).where(User.email == "ines@la-mine.example")).one()
    assert member.issuer_id == issuer.id and member.role == "staff" and member.password_hash is None
    assert "La Mine" in smtp.body()


def test_a_tiers_lieu_may_start_without_a_member(coordinator, session, smtp):
    assert post(coordinator, "/staff/network/new", PLACE).status_code == 303
    assert session.scalar(select(func.count()).select_from(Issuer).where(Issuer.slug == "la-mine")) == 1
    assert smtp.messages == []


def test_every_error_of_the_form_is_shown_at_once_and_nothing_is_made(app, coordinator, session, world, smtp):
    before = (session.scalar(select(func.count()).select_from(Issuer)), key_files(app))
    data = {
        **PLACE,
        "slug": "La Mine",
        "url": "la-mine.example",
        "email": "",
        "department": "100",
        "staff_name": "",
        "staff_email": world.users["staff"].email,
    }
    response = post(coordinator, "/staff/network/new", data)
    assert response.status_code == 422
    page = text(response)
    for message in (
        "Identifiant attendu",
        "Adresse web invalide",
        "Ce champ est obligatoire.",
        "Numéro de département invalide",
    ):
        assert message in page
    html = response.get_data(as_text=True)
    assert 'href="#champ-slug"' in html and 'value="la-mine.example"' in html
    assert (session.scalar(select(func.count()).select_from(Issuer)), key_files(app)) == before
    assert smtp.messages == []


def test_an_existing_member_address_is_refused_before_anything_is_made(app, coordinator, session, world):
    before = key_files(app)
    data = {**PLACE, "staff_name": "Double", "staff_email": world.users["staff"].email}
    response = post(coordinator, "/staff/network/new", data)
    assert response.status_code == 422 and "Un compte existe déjà avec cette adresse." in text(response)
    assert key_files(app) == before


def test_a_taken_slug_is_refused(coordinator, world):
    response = post(coordinator, "/staff/network/new", {**PLACE, "slug": world.issuer.slug})
    assert response.status_code == 422 and "Cet identifiant est déjà pris." in text(response)


def test_an_unknown_tiers_lieu_is_not_found(coordinator):
    assert coordinator.get("/staff/network/inconnu").status_code == 404
    assert (
        post(
            coordinator, "/staff/network/inconnu/invite", {"staff_name": "A", "staff_email": "a@b.fr"}
        ).status_code
        == 404
    )
