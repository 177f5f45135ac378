"""My tiers-lieu: profile edit with validation, key rotation and compromise, each with a confirmation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges import jobs
from badges.models import SigningKey, StatusList
from badges.services.credentials import signing_keys
from tests.web.staff.conftest import post, text

PROFILE = {
    "name": "La Mine",
    "url": "https://la-mine.example",
    "email": "bonjour@la-mine.example",
    "description": "Un tiers-lieu à Arcueil.",
}


def test_the_profile_is_shown_and_saved(staff, session, world, links):
    assert world.issuer.slug in text(staff.get("/staff/issuer"))
    form = staff.get("/staff/issuer/edit").get_data(as_text=True)
    assert f'value="{world.issuer.name}"' in form
    response = post(staff, "/staff/issuer/edit", PROFILE)
    assert response.status_code == 303
    assert "Le profil du tiers-lieu est enregistré." in text(staff.get("/staff/issuer"))
    session.refresh(world.issuer)
    assert (world.issuer.name, world.issuer.url, world.issuer.description) == (
        "La Mine",
        "https://la-mine.example",
        "Un tiers-lieu à Arcueil.",
    )
    public = staff.get(f"/ob2/issuers/{world.issuer.slug}", headers={"Accept": "application/json"})
    assert public.json["name"] == "La Mine"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire."),
        ("url", "ftp://la-mine", "Adresse web invalide"),
        ("email", "bonjour", "Adresse e-mail invalide."),
        ("description", "x" * 2001, "Ce champ dépasse 2000 caractères."),
    ],
)
def test_a_bad_profile_field_changes_nothing(staff, session, world, field, value, message):
    before = world.issuer.name
    response = post(staff, "/staff/issuer/edit", {**PROFILE, field: value})
    assert response.status_code == 422 and message in text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    session.refresh(world.issuer)
    assert world.issuer.name == before


def test_rotation_asks_for_a_confirmation_then_replaces_the_keys(staff, session, world, links):
    old = {k.public_id for k in signing_keys.published_keys(session, issuer=world.issuer)}
    assert "Confirmer la rotation des clés" in text(staff.get("/staff/keys/rotate"))
    unconfirmed = post(staff, "/staff/keys/rotate")
    assert unconfirmed.status_code == 422 and "Confirmez la rotation" in text(unconfirmed)
    assert len(signing_keys.published_keys(session, issuer=world.issuer)) == 2
    done = post(staff, "/staff/keys/rotate", {"confirm": "yes"})
    assert done.status_code == 303
    assert jobs.wait(staff.application)  # the lists are signed again by a job
    session.expire_all()
    found = signing_keys.published_keys(session, issuer=world.issuer)
    assert len(found) == 4
    assert all(k.retired_at is not None for k in found if k.public_id in old)
    ed25519 = signing_keys.signing_key(session, issuer=world.issuer, algorithm=signing_keys.ED25519)
    assert ed25519.public_id not in old
    status_list = session.get(StatusList, world.award.status_list_id)
    proofs = json.loads(status_list.signed_credential)["proof"]
    proofs = proofs if isinstance(proofs, list) else [proofs]
    assert [p["verificationMethod"] for p in proofs] == [
        links.ed25519_method(world.issuer.slug, ed25519.public_id)
    ]
    assert "Retirée le" in text(staff.get("/staff/keys"))


def test_compromise_takes_a_date_then_a_confirmation(staff, session, world, now):
    url = f"/staff/keys/{world.key_id}/compromise"
    assert staff.get(url).status_code == 200
    step = post(staff, url, {"since": "2026-03-01"})
    assert step.status_code == 200 and "Confirmer : clé compromise" in text(step)
    assert (
        session.get(SigningKey, signing_keys.key_by_public_id(session, world.key_id).id).compromised_at
        is None
    )
    done = post(staff, url, {"since": "2026-03-01", "confirm": "yes"})
    assert done.status_code == 303
    assert "La clé est déclarée compromise." in text(staff.get("/staff/keys"))
    assert jobs.wait(staff.application)
    lists = session.scalar(
        select(func.count()).select_from(StatusList).where(StatusList.issuer_id == world.issuer.id)
    )
    plural = "re-signées" if lists > 1 else "re-signée"
    assert f"Listes de statut : {lists} sur {lists} {plural}." in text(staff.get("/staff/keys"))
    session.expire_all()
    key = signing_keys.key_by_public_id(session, world.key_id)
    assert key.compromised_at is not None and key.compromised_at < now
    assert key.compromised_at.isoformat() == "2026-02-28T23:00:00+00:00"  # midnight in Paris
    again = staff.get(url, follow_redirects=True)
    assert "Cette clé est déjà déclarée compromise." in text(again)


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("01/03/2026", "Date attendue au format AAAA-MM-JJ."),
        ("2026-02-30", "Date attendue au format AAAA-MM-JJ."),
        ("2026-03-13", "La date ne peut pas être dans le futur."),
    ],
)
def test_a_bad_compromise_date_changes_nothing(staff, session, world, now, since, message):
    url = f"/staff/keys/{world.key_id}/compromise"
    response = post(staff, url, {"since": since, "confirm": "yes"})
    assert response.status_code == 422 and message in text(response)
    session.expire_all()
    assert signing_keys.key_by_public_id(session, world.key_id).compromised_at is None


def test_another_tiers_lieu_s_key_is_not_found(staff, session, world):
    other = signing_keys.published_keys(session, issuer=world.other_issuer)[0].public_id
    assert staff.get(f"/staff/keys/{other}/compromise").status_code == 404
    assert (
        post(staff, f"/staff/keys/{other}/compromise", {"since": "2026-03-01", "confirm": "yes"}).status_code
        == 404
    )
    session.expire_all()
    assert signing_keys.key_by_public_id(session, other).compromised_at is None


def test_dates_of_today_are_accepted_and_next_days_are_not(staff, world, now):
    today = now.date().isoformat()
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    assert post(staff, f"/staff/keys/{world.key_id}/compromise", {"since": today}).status_code == 200
    assert post(staff, f"/staff/keys/{world.key_id}/compromise", {"since": tomorrow}).status_code == 422
