"""A newcomer's first sign-in in Chromium: the link `badges demo` prints opens the account, a password is
chosen, the staff home follows; no axe-core violation, and it fits 360, 768 and 1,280 px."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "une phrase de passe pour la démo"


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_the_demo_sign_in_link_opens_the_staff_app(browser, runner, live_url, width):
    info = json.loads(runner.invoke(args=["demo"]).stdout)
    assert info["staff_sign_in"].startswith(live_url + "/staff/invitation/")
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(info["staff_sign_in"])
        expect(page.get_by_role("heading", name="Activer votre compte")).to_be_visible()
        expect(page.get_by_text(info["staff_email"]).first).to_be_visible()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"demo-activer-compte-{width}px")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=confirm]").fill(PASSWORD)
        page.get_by_role("button", name="Enregistrer mon mot de passe").click()
        page.wait_for_url(live_url + "/staff/")
        expect(page.get_by_text("Votre mot de passe est enregistré.")).to_be_visible()
        assert axe_violations(page) == []
        screenshot(page, f"demo-accueil-equipe-{width}px")
    finally:
        context.close()
