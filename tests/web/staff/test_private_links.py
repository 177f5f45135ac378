"""The private page ("Mes badges") on staff screens: link and QR code, FALC access card, renewal in two steps.

People without e-mail reach their badges only through what staff hand them (issue 13).
"""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image

from badges.services.holders import private_link
from tests import pdf
from tests.factories import make_award
from tests.web.staff.conftest import post, sign_in, text

LINK = re.compile(r"http://[^\s<\"]+/mes-badges/[A-Za-z0-9_-]{43}")


def person_url(world, suffix=""):
    return f"/staff/beneficiaries/{world.award.beneficiary.public_id}{suffix}"


def shown_link(response) -> str:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    (url,) = set(LINK.findall(body))
    assert 'alt="QR code de la page « Mes badges » de Awa"' in body
    assert 'src="data:image/svg+xml;base64,' in body
    return url


def path_of(url: str) -> str:
    return "/mes-badges/" + url.rsplit("/", 1)[1]


def test_the_beneficiary_and_award_pages_show_the_same_working_link(staff, world):
    url = shown_link(staff.get(person_url(world)))
    assert shown_link(staff.get(f"/staff/awards/{world.award.public_id}")) == url
    page = text(staff.get(person_url(world)))
    assert "Sa page « Mes badges »" in page and "Imprimer la carte d’accès (PDF)" in page
    assert "Renouveler le lien" in page
    response = staff.get(path_of(url))
    assert response.status_code == 200 and "Mes badges" in text(response)


def test_the_access_card_is_one_falc_page_whose_qr_code_opens_the_private_page(staff, world):
    url = shown_link(staff.get(person_url(world)))
    response = staff.get(person_url(world, "/access-card.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = response.get_data()
    assert pdf.pages(document) == 1
    card = " ".join(pdf.text(document).split())
    for expected in ("Mes badges", "Scannez ce code avec votre téléphone.", "Pour : Awa",
                     world.issuer.name, "Gardez cette carte.", "Découpez la carte"):  # fmt: skip
        assert expected in card, expected
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(pdf.render_png(document, dpi=150))))
    assert found.text == url


def test_renewing_asks_first_then_kills_the_old_link(staff, world):
    old = shown_link(staff.get(person_url(world)))
    asked = post(staff, person_url(world, "/private-link/renew"))
    assert asked.status_code == 200 and "L’ancien lien ne marchera plus" in text(asked)
    assert staff.get(path_of(old)).status_code == 200  # nothing changed before the confirmation
    done = post(staff, person_url(world, "/private-link/renew"), {"confirm": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith(person_url(world))
    assert staff.get(path_of(old)).status_code == 404
    after = staff.get(person_url(world))
    assert "Nouveau lien créé. L’ancien lien ne marche plus" in text(after)
    new = shown_link(after)
    assert new != old and staff.get(path_of(new)).status_code == 200


def test_renewing_from_the_award_page_goes_back_there_and_never_elsewhere(
    staff, session, keyring, links, now, world
):
    award_page = f"/staff/awards/{world.award.public_id}"
    done = post(
        staff, person_url(world, "/private-link/renew"), {"confirm": "yes", "award": world.award.public_id}
    )
    assert done.headers["Location"].endswith(award_page)
    someone_else = make_award(session, keyring, links, now, issuer=world.issuer, display_name="Zoé")
    session.commit()
    for award in (someone_else.public_id, "https://evil.example/", "x"):
        done = post(staff, person_url(world, "/private-link/renew"), {"confirm": "yes", "award": award})
        assert done.headers["Location"].endswith(person_url(world)), award


def test_another_tiers_lieu_cannot_see_print_or_renew_the_link(client, session, world, now):
    person = world.award.beneficiary
    token = private_link.private_token(session, beneficiary=person, secret=b"test-link-secret", now=now)
    session.commit()
    sign_in(client, world.users["other_staff"])
    assert client.get(person_url(world)).status_code == 404
    assert client.get(person_url(world, "/access-card.pdf")).status_code == 404
    assert post(client, person_url(world, "/private-link/renew"), {"confirm": "yes"}).status_code == 404
    assert client.get(f"/mes-badges/{token}").status_code == 200


def test_the_card_and_the_certificate_follow_the_interface_language(staff, world):
    card = " ".join(pdf.text(staff.get(person_url(world, "/access-card.pdf?lang=en")).get_data()).split())
    for expected in ("My badges", "Scan this code with your phone.", "For: Awa", "Keep this card."):
        assert expected in card, expected
    assert "Scannez" not in card
    printed = staff.get(f"/staff/awards/{world.award.public_id}/certificate.pdf?lang=en").get_data()
    certificate = " ".join(pdf.text(printed, raw=True).split())
    for expected in (
        "Digital badge certificate",
        "Awarded to: Awa",
        "March 12, 2026",
        "Check this badge",
        "Cut here. The bottom part is for you.",
        "Do not give them to an employer.",
        "Other wallet",
    ):
        assert expected in certificate, expected
    assert "Délivré" not in certificate and "Découpez" not in certificate
