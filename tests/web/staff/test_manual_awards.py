"""Awarding a badge by hand from the beneficiary's file: signed at once, refused with a reason otherwise."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from badges.models import Credential
from badges.services import verification
from badges.services.verification.sources import LocalSource
from tests.factories import make_badge_class, make_beneficiary
from tests.web.staff.conftest import post, text


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Credential))


@pytest.fixture
def manual(session, world, now):
    badge = make_badge_class(session, world.issuer, now, name="Utiliser un traitement de texte")
    session.commit()
    return badge


def award_url(world) -> str:
    return f"/staff/beneficiaries/{world.award.beneficiary.public_id}/award"


def test_a_badge_awarded_by_hand_is_signed_with_the_note_as_evidence(
    staff, session, links, now, world, manual
):
    page = text(staff.get(f"/staff/beneficiaries/{world.award.beneficiary.public_id}"))
    assert "Délivrer un badge à la main" in page and "Utiliser un traitement de texte" in page
    data = {"badge_class": manual.public_id, "evidence": "A mis en page son CV seule en atelier."}
    response = post(staff, award_url(world), data, follow_redirects=True)
    assert "Le badge « Utiliser un traitement de texte » est délivré à Awa." in text(response)
    session.rollback()
    credential = session.scalars(select(Credential).where(Credential.badge_class_id == manual.id)).one()
    document = json.loads(credential.ob3_credential)
    assert [e["narrative"] for e in document["evidence"]] == ["A mis en page son CV seule en atelier."]
    report = verification.verify_value(document, source=LocalSource(session, links), now=now)
    assert report.valid, report
    again = text(staff.get(f"/staff/beneficiaries/{world.award.beneficiary.public_id}"))
    assert "Cette personne a déjà tous les badges du tiers-lieu." in again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Badge : Choisissez le badge à délivrer."),
        ({"badge_class": "inconnu"}, "Badge introuvable."),
        ({"evidence": "x" * 2001}, "Texte trop long (200 et 2000 caractères au plus)."),
        ({"evidence": "Profil exclu, très lent."}, "profil"),
    ],
)
def test_a_refused_award_says_why_and_signs_nothing(staff, session, world, manual, data, message):
    before = count(session)
    sent = {"badge_class": manual.public_id, **data} if "badge_class" not in data and data else data
    response = post(staff, award_url(world), sent)
    assert response.status_code == 422
    assert message in text(response)
    assert count(session) == before


def test_a_badge_already_held_or_of_another_tiers_lieu_is_refused(staff, session, world, now):
    held = world.award.badge_class.public_id
    response = post(staff, award_url(world), {"badge_class": held})
    assert response.status_code == 422 and "Ce badge a déjà été délivré à ce bénéficiaire." in text(response)
    # Nothing is left to award, so the form is not shown: the message must not link to a missing field.
    assert "Cette personne a déjà tous les badges" in text(response)
    assert 'href="#champ-badge_class"' not in response.get_data(as_text=True)
    foreign = make_badge_class(session, world.other_issuer, now)
    session.commit()
    response = post(staff, award_url(world), {"badge_class": foreign.public_id})
    # Not shared by its tiers-lieu (issue 16): refused with the reason, nothing signed.
    assert response.status_code == 422 and "qui ne le partage pas" in text(response)


def test_without_consent_no_badge_is_awarded(staff, session, world, now, manual):
    person = make_beneficiary(session, world.issuer, now, display_name="Karim", consent=False, email=None)
    session.commit()
    url = f"/staff/beneficiaries/{person.public_id}"
    assert "Enregistrez d’abord son accord" in text(staff.get(url))
    response = post(staff, url + "/award", {"badge_class": manual.public_id})
    assert response.status_code == 422 and "pas encore donné son accord" in text(response)
    assert 'href="#champ-badge_class"' not in response.get_data(as_text=True)
    assert count(session) == 1
