"""Public pages in Chromium: French, accessible (axe-core finds nothing), usable at 360 px and 200 % zoom."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


def pages(award, links) -> dict[str, str]:
    return {
        "accueil": links.base + "/",
        "badge": links.credential_page(award.public_id),
        "classe-de-badge": links.achievement(award.badge_class.public_id),
        "tiers-lieu": links.issuer(award.issuer.slug),
        "referentiel": links.framework("pix-crcn"),
        "page-introuvable": links.base + "/credentials/inconnu",
    }


def test_public_pages_have_no_accessibility_violation(page, award, links):
    for name, url in pages(award, links).items():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.title()
        assert page.locator("h1").count() == 1, name
        assert axe_violations(page) == [], name
        screenshot(page, f"public-{name}")


def test_badge_page_fits_a_small_phone(phone, award, links):
    phone.goto(links.credential_page(award.public_id))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    expect(phone.get_by_text("Ce badge est valide.")).to_be_visible()
    assert axe_violations(phone) == []
    screenshot(phone, "public-badge-360px")


def test_badge_page_reads_at_200_percent_zoom(page, award, links):
    page.set_viewport_size({"width": 640, "height": 900})  # 1280 px at 200 %
    page.goto(links.credential_page(award.public_id))
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    screenshot(page, "public-badge-zoom-200")


def test_skip_link_is_the_first_focus_and_is_visible(page, award, links):
    page.goto(links.credential_page(award.public_id))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    box = page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect(); return r.left; })()"
    )
    assert box >= 0
