"""The private page link on staff screens in Chromium at 360, 768 and 1,280 px: shown with its QR code on the
beneficiary and award pages, printed on the access card (whose QR code is decoded), renewed after confirming;
axe-core on every page, screenshots saved (issue 13, beneficiaries without e-mail)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from badges.models import Role
from tests import pdf
from tests.browser.conftest import ARTIFACTS, axe_violations, screenshot
from tests.factories import make_award
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def award(session, keyring, links, now):
    credential = make_award(session, keyring, links, now, display_name="Awa")
    staff = make_user(session, now, Role.STAFF, issuer=credential.issuer)
    session.commit()
    return credential, staff


@pytest.fixture(params=[360, 768, 1280])
def screen(request, browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": request.param, "height": 900})
    opened = context.new_page()
    yield opened, request.param
    context.close()


def check(page, width: int, name: str) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert page.locator("h1").count() == 1, name
    assert axe_violations(page) == [], name
    screenshot(page, f"staff-{name}-{width}px")


def test_staff_hand_over_renew_and_print_the_private_link(screen, links, award):
    page, width = screen
    credential, staff = award
    page.goto(links.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(links.base + "/staff/")

    page.goto(f"{links.base}/staff/beneficiaries/{credential.beneficiary.public_id}")
    expect(page.get_by_role("heading", name="Sa page « Mes badges »")).to_be_visible()
    expect(page.get_by_role("img", name="QR code de la page « Mes badges » de Awa")).to_be_visible()
    link = page.get_by_label("Lien de sa page").input_value()
    check(page, width, "beneficiaire-mes-badges")

    printed = page.get_by_role("link", name="Imprimer la carte d’accès (PDF)").get_attribute("href")
    card = page.request.get(links.base + printed)
    assert card.ok and card.headers["content-type"] == "application/pdf"
    image = pdf.render_png(card.body(), dpi=150)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "carte-acces-mes-badges.png").write_bytes(image)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
    assert found.text == link

    page.goto(f"{links.base}/staff/awards/{credential.public_id}")
    assert page.get_by_label("Lien de sa page").input_value() == link
    check(page, width, "badge-mes-badges")
    page.get_by_role("button", name="Renouveler le lien").click()
    expect(page.get_by_role("heading", name="Renouveler le lien de sa page")).to_be_visible()
    check(page, width, "renouveler-lien")
    page.get_by_role("button", name="Créer un nouveau lien").click()
    expect(page.get_by_text("Nouveau lien créé. L’ancien lien ne marche plus")).to_be_visible()
    assert page.url == f"{links.base}/staff/awards/{credential.public_id}"
    renewed = page.get_by_label("Lien de sa page").input_value()
    assert renewed != link
    assert page.request.get(link).status == 404
    page.goto(renewed)
    expect(page.get_by_role("heading", name="Mes badges")).to_be_visible()
