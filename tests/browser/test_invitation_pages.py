"""Invitation screens without a mail server, in Chromium: the coordinator reads that nothing was sent and
gets the link to hand over, legible on a phone; the forgotten-password page says no e-mail can leave."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from badges.models import Role
from tests.browser.test_click_path import check_widths
from tests.browser.test_staff_pages import check
from tests.factories import make_issuer
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def network(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now, name="La Mine")
    coordinator = make_user(session, now, Role.COORDINATOR)
    session.commit()
    return links.base, issuer, coordinator


def test_an_invitation_without_mail_server_shows_the_link_to_hand_over(page, network):
    base, issuer, coordinator = network
    page.goto(base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(coordinator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/staff/network/{issuer.slug}")
    page.get_by_label("Nom").fill("Inès")
    page.get_by_label("Adresse e-mail").fill("ines@example.org")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_role("status").filter(has_text="Rien n'a été envoyé")).to_be_visible()
    link = page.locator(".flash-handover code")
    expect(link).to_contain_text(base + "/staff/invitation/")
    expect(page.get_by_text("Invitation envoyée")).to_have_count(0)
    check_widths(page, "invitation-sans-serveur")
    page.reload()
    expect(page.locator(".flash-handover")).to_have_count(0)


def test_the_forgotten_password_page_says_no_email_can_leave(page, network):
    base, _issuer, coordinator = network
    page.goto(base + "/staff/password/forgot")
    page.get_by_label("Adresse e-mail").fill(coordinator.email)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Aucun e-mail ne peut partir")).to_be_visible()
    check(page, "mot-de-passe-oublie-sans-serveur")
