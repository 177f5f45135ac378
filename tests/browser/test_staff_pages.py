"""Staff screens in Chromium: sign in, the awards list, a revocation confirmed; roles kept apart; no axe-core
violation on any staff page (RGAA / WCAG 2.1 AA); usable on a 768 px tablet and at 200 % zoom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from badges.models import Credential, Issuer, Role, User
from badges.services.credentials import revocation, signing_keys
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import make_agency, make_award, make_flag
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@dataclass
class Site:
    base: str
    issuer: Issuer
    awards: list[Credential]
    users: dict[str, User]
    key_id: str
    flag_id: str


@pytest.fixture
def site(session, keyring, links, now) -> Site:
    first = make_award(session, keyring, links, now, display_name="Awa")
    issuer = first.issuer
    awards = [first] + [
        make_award(session, keyring, links, now + timedelta(hours=n), issuer=issuer, display_name=name)
        for n, name in enumerate(("Karim", "Lina", "Moussa"), start=1)
    ]
    revocation.revoke(
        session, keyring, credential=awards[2], reason="Délivré par erreur", links=links, now=now
    )
    users = {
        "staff": make_user(session, now, Role.STAFF, issuer=issuer),
        "coordinator": make_user(session, now, Role.COORDINATOR),
        "counsellor": make_user(session, now, Role.COUNSELLOR, agency=make_agency(session, now)),
    }
    key_id = signing_keys.published_keys(session, issuer=issuer)[0].public_id
    flag = make_flag(session, awards[1], now)
    session.commit()
    return Site(links.base, issuer, awards, users, key_id, flag.public_id)


def sign_in(page, site: Site, role: str) -> None:
    page.goto(site.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(site.users[role].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(site.base + "/staff/")


def check(page, name: str) -> None:
    """One h1, French, no axe-core violation, and a screenshot for people to look at."""
    page.wait_for_load_state()  # the page a click led to, parsed and loaded (not the one before)
    assert page.locator("html").get_attribute("lang") == "fr", name
    assert page.locator("h1").count() == 1, name
    assert axe_violations(page) == [], name
    screenshot(page, f"staff-{name}")


def test_a_staff_member_signs_in_and_revokes_a_badge_after_confirming(page, site, session):
    page.goto(site.base + "/staff/login")
    check(page, "connexion")
    sign_in(page, site, "staff")
    check(page, "accueil-equipe")
    page.get_by_role("link", name="Badges délivrés").first.click()
    expect(page.get_by_text("4 badges")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Lina").get_by_text("Révoqué")).to_be_visible()
    check(page, "badges-delivres")
    page.get_by_role("link", name="Échanger par e-mail").first.click()
    check(page, "badge")
    page.get_by_role("link", name="Révoquer ce badge").click()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Indiquez la raison de la révocation.").first).to_be_visible()
    check(page, "revoquer-erreur")
    page.get_by_label("Raison de la révocation").fill("Le badge a été délivré à la mauvaise personne.")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Confirmer la révocation")).to_be_visible()
    check(page, "revoquer-confirmer")
    page.get_by_role("button", name="Révoquer définitivement").click()
    expect(page.get_by_text("Le badge est révoqué.")).to_be_visible()
    check(page, "badge-revoque")
    revoked = session.query(Credential).filter(Credential.revoked_at.is_not(None)).count()
    assert revoked == 2


def test_a_counsellor_does_not_see_the_staff_screens(page, site):
    sign_in(page, site, "counsellor")
    nav = page.get_by_role("navigation", name="Menu de l’espace équipe")
    expect(nav.get_by_role("link", name="Vérifier un badge")).to_be_visible()
    assert nav.get_by_role("link", name="Badges délivrés").count() == 0
    check(page, "accueil-conseil")
    response = page.goto(site.base + "/staff/awards")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    check(page, "acces-refuse")
    assert page.goto(site.base + f"/staff/awards/{site.awards[0].public_id}").status == 403


def staff_pages(site: Site) -> dict[str, str]:
    award = site.awards[0].public_id
    return {
        "compte": "/staff/account",
        "badges-filtres": "/staff/awards?status=valide&q=a",
        "badges-filtre-invalide": "/staff/awards?status=perdu",
        "revoquer": f"/staff/awards/{award}/revoke",
        "tiers-lieu": "/staff/issuer",
        "tiers-lieu-modifier": "/staff/issuer/edit",
        "cles": "/staff/keys",
        "cles-rotation": "/staff/keys/rotate",
        "cle-compromise": f"/staff/keys/{site.key_id}/compromise",
        "introuvable": "/staff/awards/inconnu",
        "a-revoir": "/staff/flags",
        "a-revoir-traites": "/staff/flags?vus=1",
        "a-revoir-un-badge": f"/staff/flags/{site.flag_id}",
    }


def test_every_staff_page_is_accessible(page, site):
    sign_in(page, site, "staff")
    for name, path in staff_pages(site).items():
        page.goto(site.base + path)
        check(page, name)


def test_a_flag_is_reviewed_with_a_note_the_badge_stays_valid(page, site):
    sign_in(page, site, "staff")
    page.get_by_role("link", name="Badges à revoir").first.click()
    page.get_by_role("link", name="Traiter").click()
    page.get_by_label("Note").fill("x" * 501)
    page.get_by_role("button", name="Marquer comme traité").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "a-revoir-erreur")
    page.get_by_label("Note").fill("Revu avec Karim au prochain atelier.")
    page.get_by_role("button", name="Marquer comme traité").click()
    expect(page.get_by_text("Le signalement est traité. Le badge reste valide.")).to_be_visible()
    expect(page.get_by_text("Rien à revoir pour l’instant.")).to_be_visible()


def test_every_coordination_page_is_accessible(page, site):
    sign_in(page, site, "coordinator")
    check(page, "accueil-coordination")
    for name, path in {
        "reseau": "/staff/network",
        "reseau-nouveau": "/staff/network/new",
        "reseau-tiers-lieu": f"/staff/network/{site.issuer.slug}",
        "agences": "/staff/agencies",
        "agence-nouvelle": "/staff/agencies/new",
        "agence": f"/staff/agencies/{site.users['counsellor'].agency.public_id}",
    }.items():
        page.goto(site.base + path)
        check(page, name)
    page.goto(site.base + "/staff/network/new")
    page.get_by_label("Identifiant").fill("Pas Bon")
    page.get_by_role("button", name="Créer le tiers-lieu").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check(page, "reseau-nouveau-erreurs")
    page.goto(site.base + "/staff/agencies/new")
    page.get_by_label("Département").fill("999")
    page.get_by_role("button", name="Ajouter l’agence").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check(page, "agence-nouvelle-erreurs")


def test_public_staff_pages_are_accessible(page, site):
    for name, path in {
        "mot-de-passe-oublie": "/staff/password/forgot",
        "lien-refuse": "/staff/invitation/x.y",
    }.items():
        page.goto(site.base + path)
        check(page, name)
    page.goto(site.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(site.users["staff"].email)
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()
    check(page, "connexion-erreur")


@pytest.mark.parametrize(("width", "zoom"), [(768, 1), (640, 2)])
def test_screens_fit_a_tablet_and_200_percent_zoom(page, site, width, zoom):
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, site, "staff")
    for path in ("/staff/", "/staff/awards", f"/staff/awards/{site.awards[0].public_id}", "/staff/keys"):
        page.goto(site.base + path)
        if zoom > 1:
            page.evaluate("document.documentElement.style.fontSize = '225%'")  # 112.5 % base, times 2
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    screenshot(page, f"staff-cles-{width}px-zoom-{zoom}")
    page.goto(site.base + "/staff/awards")
    if zoom > 1:
        page.evaluate("document.documentElement.style.fontSize = '225%'")
    screenshot(page, f"staff-badges-{width}px-zoom-{zoom}")


def test_keyboard_users_skip_to_the_content_and_see_where_the_focus_is(page, site):
    sign_in(page, site, "staff")
    page.goto(site.base + "/staff/awards")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
