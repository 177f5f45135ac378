"""The beneficiary's badge page in Chromium at 360, 768 and 1,280 px: the essentials and one main action in
two screens, downloads behind one choice, nothing to hand over once revoked or expired, and the staff told
when no e-mail left; axe-core on every page, screenshots saved (issue 13, the badge page fits a phone)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from badges.models import Role
from badges.services.credentials import revocation
from badges.services.holders import private_link as access
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import make_award
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

HEIGHTS = {360: 740, 768: 1024, 1280: 900}


@pytest.fixture(params=[360, 768, 1280])
def screen(request, browser):
    width = request.param
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": HEIGHTS[width]},
                                  is_mobile=width == 360, has_touch=width == 360)  # fmt: skip
    opened = context.new_page()
    yield opened, width
    context.close()


@pytest.fixture
def holder(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = access.private_token(
        session, beneficiary=credential.beneficiary, secret=app.config["LINK_SECRET"].encode(), now=now
    )
    session.commit()
    return credential, f"{links.base}/mes-badges/{token}/{credential.public_id}"


def check(page, width: int, name: str) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert page.locator("h1").count() == 1, name
    assert axe_violations(page) == [], name
    screenshot(page, f"badge-phone-{name}-{width}px")


def bottom(page, locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["y"] + box["height"] + page.evaluate("window.scrollY")


def test_the_essentials_and_one_main_action_fit_two_screens(screen, holder):
    page, width = screen
    page.goto(holder[1])
    main = page.get_by_role("link", name="Montrer mon badge")
    essentials = [
        page.get_by_role("img", name="Image du badge « Échanger par e-mail »"),
        page.get_by_role("heading", level=1, name="Échanger par e-mail"),
        page.get_by_text("Ce badge est valide."),
        page.get_by_text("Je sais envoyer un e-mail avec une pièce jointe."),
        page.get_by_text("Délivré par"),
        page.get_by_text("12 mars 2026"),
    ]
    for item in essentials:
        expect(item).to_be_visible()
        assert bottom(page, item) <= bottom(page, main)
    assert bottom(page, main) <= 2 * HEIGHTS[width]
    check(page, width, "badge-valide")

    # Downloads: one closed choice, each file saying whom it is for.
    employer = page.get_by_text("Pour un employeur : l'image PNG.")
    expect(employer).to_be_hidden()
    page.get_by_text("Télécharger le badge").click()
    expect(employer).to_be_visible()
    expect(page.get_by_text("Pour un portefeuille numérique : le fichier JSON.")).to_be_visible()
    equivalent = "« Interagir au moyen des technologies numériques » dans la liste DigComp 2.2"
    expect(page.get_by_text(equivalent)).to_be_visible()
    check(page, width, "telecharger-ouvert")

    main.click()
    expect(page.get_by_role("heading", name="Montrer ce badge")).to_be_in_viewport()
    expect(page.get_by_role("link", name="Ajouter à mon profil LinkedIn")).to_be_visible()


@pytest.mark.parametrize("what", ["revoque", "expire"])
def test_a_badge_no_longer_valid_says_what_happened_and_offers_nothing(
    screen, session, keyring, links, now, holder, what
):
    page, width = screen
    credential, address = holder
    if what == "revoque":
        revocation.revoke(session, keyring, credential=credential, reason="Doublon", links=links, now=now)
        told = "Le tiers-lieu a retiré ce badge. Il ne compte plus."
    else:
        credential.valid_until = now - timedelta(days=1)
        told = "Ce badge a expiré."
    session.commit()
    for url, name in ((address, "prive"), (f"{links.base}/credentials/{credential.public_id}", "public")):
        page.goto(url)
        expect(page.get_by_text(told)).to_be_visible()
        expect(page.get_by_text("On ne peut plus le montrer ni le télécharger.")).to_be_visible()
        for offered in ("Montrer mon badge", "Montrer ce badge", "Ajouter à mon profil LinkedIn"):
            expect(page.get_by_role("link", name=offered)).to_have_count(0)
        expect(page.get_by_text("Télécharger le badge")).to_have_count(0)
        expect(page.get_by_role("button", name="Créer le lien")).to_have_count(0)
        check(page, width, f"{what}-{name}")


def test_the_public_page_puts_the_essentials_first(screen, links, holder):
    page, width = screen
    page.goto(f"{links.base}/credentials/{holder[0].public_id}")
    main = page.get_by_role("link", name="Montrer ce badge")
    assert bottom(page, page.get_by_text("Délivré par")) <= bottom(page, main) <= 2 * HEIGHTS[width]
    check(page, width, "public-valide")


def test_without_a_mail_server_the_staff_read_that_nothing_was_sent(screen, session, now, links, holder):
    page, width = screen
    credential = holder[0]
    staff = make_user(session, now, Role.STAFF, issuer=credential.issuer)
    session.commit()
    page.goto(links.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(links.base + "/staff/")
    page.goto(f"{links.base}/staff/awards/{credential.public_id}")
    page.get_by_role("button", name="Envoyer par e-mail à awa@example.org").click()
    nothing_sent = "Aucun e-mail n'est parti : ce service n'a pas de serveur d'e-mail."
    expect(page.get_by_text(nothing_sent)).to_be_visible()
    expect(page.get_by_text("Le badge est envoyé")).to_have_count(0)
    check(page, width, "staff-rien-envoye")
