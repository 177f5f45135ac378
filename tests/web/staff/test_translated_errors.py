"""The staff forms show the services' errors in the interface language, and the certificate follows it."""

from __future__ import annotations

from tests import pdf
from tests.web.staff.conftest import post, sign_in, text


def test_the_sign_in_form_says_what_is_missing_in_english(client):
    response = post(client, "/staff/login?lang=en", {"email": "", "password": ""})
    page = text(response)
    assert response.status_code == 422
    assert "Enter your e-mail address." in page and "Enter your password." in page
    assert "Indiquez votre adresse e-mail." not in page


def test_the_sign_in_form_says_it_in_french_by_default(client):
    page = text(post(client, "/staff/login", {"email": "", "password": ""}))
    assert "Indiquez votre adresse e-mail." in page and "Enter your e-mail address." not in page


def test_a_refused_sign_in_is_said_in_english(client, world):
    response = post(client, "/staff/login?lang=en", {"email": world.users["staff"].email, "password": "faux"})
    assert "Wrong e-mail address or password." in text(response)


def test_a_revocation_without_reason_is_refused_in_english(client, world):
    sign_in(client, world.users["staff"])
    response = post(
        client, f"/staff/awards/{world.award.public_id}/revoke?lang=en", {"reason": "", "confirm": "1"}
    )
    page = text(response)
    assert response.status_code == 422 and "Give the reason for the revocation." in page
    assert "Indiquez la raison de la révocation." not in page


def test_the_certificate_is_printed_in_english(client, world):
    sign_in(client, world.users["staff"])
    english = pdf.text(client.get(f"/staff/awards/{world.award.public_id}/certificate.pdf?lang=en").data)
    assert "Check this badge" in english and "Vérifier ce badge" not in english


def test_the_certificate_is_printed_in_french_by_default(client, world):
    sign_in(client, world.users["staff"])
    french = pdf.text(client.get(f"/staff/awards/{world.award.public_id}/certificate.pdf").data)
    assert "Vérifier ce badge" in french and "Check this badge" not in french
