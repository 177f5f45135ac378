"""Shared badge classes in Chromium: the creator shares a class, another tiers-lieu's médiateur awards
it from a 360 px phone, the coordinator reads it in the key figures; axe-core finds nothing; screenshots
saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from badges.models import Role
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_staff_pages import check
from tests.factories import make_badge_class, make_beneficiary, make_issuer
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def network(session, keyring, links, now):
    creator = make_issuer(session, keyring, links, now, name="La Fabrique")
    other = make_issuer(session, keyring, links, now, name="Le Relais")
    badge = make_badge_class(session, creator, now, name="Réserver un train en ligne")
    make_beneficiary(session, other, now, display_name="Lina", email="lina@example.org")
    users = {
        "creator": make_user(session, now, Role.STAFF, issuer=creator),
        "other": make_user(session, now, Role.STAFF, issuer=other),
        "coordinator": make_user(session, now, Role.COORDINATOR),
    }
    session.commit()
    return badge, users


def sign_in(page, links, user) -> None:
    page.context.clear_cookies()  # whoever was signed in on this browser before
    page.goto(links.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(links.base + "/staff/")


def narrow(page, name: str) -> None:
    """360 px: nothing wider than the screen, no axe-core violation."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    assert axe_violations(page) == [], name
    screenshot(page, f"partage-{name}-360px")


def test_a_class_shared_by_one_tiers_lieu_is_awarded_by_another_from_a_phone(page, phone, network, links):
    badge, users = network
    sign_in(page, links, users["creator"])
    page.goto(f"{links.base}/staff/badge-classes/{badge.public_id}")
    expect(page.get_by_text("Ce badge n’est pas partagé.")).to_be_visible()
    page.get_by_role("button", name="Partager avec le réseau").click()
    expect(page.get_by_text("Le badge est partagé : les autres tiers-lieux")).to_be_visible()
    check(page, "badge-partage")

    sign_in(phone, links, users["other"])
    phone.goto(links.base + "/staff/badge-classes")
    expect(phone.get_by_role("heading", name="Badges partagés par le réseau")).to_be_visible()
    expect(phone.get_by_text("Créé par La Fabrique")).to_be_visible()
    narrow(phone, "catalogue")
    phone.goto(links.base + "/staff/beneficiaries")
    phone.get_by_role("link", name="Lina").first.click()
    phone.locator("#champ-badge_class").select_option(label="Réserver un train en ligne (La Fabrique)")
    narrow(phone, "fiche")
    phone.get_by_role("button", name="Délivrer le badge").click()
    expect(phone.get_by_text("Le badge « Réserver un train en ligne » est délivré à Lina.")).to_be_visible()
    narrow(phone, "badge-delivre")
    phone.goto(phone.locator("p", has_text="Page publique du badge").locator("a").get_attribute("href"))
    expect(phone.get_by_text("Badge créé par")).to_be_visible()
    narrow(phone, "page-publique")

    sign_in(phone, links, users["coordinator"])
    phone.goto(links.base + "/staff/figures")
    expect(phone.get_by_role("heading", name="Badges partagés dans le réseau")).to_be_visible()
    expect(phone.get_by_role("cell", name="Le Relais")).to_be_visible()
    narrow(phone, "chiffres")

    page.goto(f"{links.base}/staff/badge-classes/{badge.public_id}")
    page.get_by_role("button", name="Arrêter le partage").click()
    expect(page.get_by_text("Le badge n’est plus partagé.")).to_be_visible()
    check(page, "badge-partage-arrete")
