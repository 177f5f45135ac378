"""'Ajouter à mon portefeuille' in Chromium (issue 15): the beneficiary on a 360 px phone and the staff at
the desk get a QR code that decodes to the LCW link the phone's button opens, then one that decodes to the
OpenID4VCI offer's deep link, with its transaction code; axe-core on every page."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from badges.models import Role
from badges.services.holders import private_link
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import make_award
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def award(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now, display_name="Awa")
    staff = make_user(session, now, Role.STAFF, issuer=credential.issuer)
    token = private_link.private_token(
        session, beneficiary=credential.beneficiary, secret=app.config["LINK_SECRET"].encode(), now=now
    )
    session.commit()
    return credential, staff, f"{links.base}/mes-badges/{token}/{credential.public_id}"


def check(page, width: int, name: str) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert page.locator("h1").count() == 1, name
    assert axe_violations(page) == [], name
    screenshot(page, f"{name}-{width}px")


LCW_QR = "QR code pour ajouter le badge Échanger par e-mail au portefeuille"
OTHER_QR = "QR code pour ajouter le badge Échanger par e-mail à une autre application de portefeuille"


def decoded_qr(page, name: str = LCW_QR) -> tuple[str, str]:
    """The QR code as the screen shows it, decoded, and the link it should carry."""
    image = page.get_by_role("img", name=name, exact=True)
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
    return found.text, image.get_attribute("data-wallet-link")


def test_the_beneficiary_adds_the_badge_to_a_wallet_from_a_phone(phone, award):
    _, _, badge_page = award
    phone.goto(badge_page)
    expect(phone.get_by_role("heading", name="Ajouter à mon portefeuille")).to_be_visible()
    check(phone, 360, "portefeuille-badge")
    phone.get_by_role("button", name="Ajouter à mon portefeuille").click()
    expect(phone.get_by_role("heading", name="Votre code pour le portefeuille")).to_be_visible()
    check(phone, 360, "portefeuille-code")
    text, link = decoded_qr(phone)
    assert text == link and text.startswith("https://lcw.app/request?request=")
    assert phone.get_by_role("link", name="Ouvrir mon portefeuille").get_attribute("href") == link
    legacy = phone.get_by_role("link", name="Ça ne marche pas ? Essayez ce lien.").get_attribute("href")
    assert legacy.startswith("dccrequest://request?")
    check_other_wallet(phone)


def check_other_wallet(page) -> None:
    """After the LCW's: "Autre application de portefeuille", the OpenID4VCI offer and its code."""
    expect(page.get_by_role("heading", name="Autre application de portefeuille")).to_be_visible()
    text, link = decoded_qr(page, OTHER_QR)
    assert text == link and text.startswith("openid-credential-offer://?credential_offer_uri=")
    opened = page.get_by_role("link", name="Ouvrir une autre application de portefeuille")
    assert opened.get_attribute("href") == link
    assert page.locator("[data-tx-code]").inner_text().strip().isdigit()


def test_staff_show_the_wallet_code_at_the_desk(page, links, award):
    credential, staff, _ = award
    page.goto(links.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(links.base + "/staff/")
    page.goto(f"{links.base}/staff/awards/{credential.public_id}")
    page.get_by_role("button", name="Ajouter à mon portefeuille (QR code pour la personne)").click()
    expect(page.get_by_role("heading", name="Ajouter à mon portefeuille")).to_be_visible()
    check(page, 1280, "staff-portefeuille-code")
    text, link = decoded_qr(page)
    assert text == link
    check_other_wallet(page)
