"""The API reference page in Chromium: French first, English with ?lang=en, accessible (axe-core finds
nothing), with no script (the Content-Security-Policy allows none from elsewhere)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "title"), [("fr", "Référence de l'API"), ("en", "API reference")])
def test_the_api_reference_is_accessible_in_both_languages(page, links, lang, title):
    page.goto(links.base + "/api/v1/reference" + ("?lang=en" if lang == "en" else ""))
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1 and title in page.locator("h1").inner_text()
    assert page.locator("script").count() == 0
    assert page.locator("article#create_award_post").count() == 1
    assert axe_violations(page) == []
    screenshot(page, f"api-reference-{lang}")


def test_the_reference_links_to_the_description_it_is_made_from(page, links):
    page.goto(links.base + "/api/v1/reference")
    page.get_by_role("link", name="openapi.json").click()
    page.wait_for_url("**/openapi.json?*")  # page.content() while navigating has no document to give
    assert '"openapi": "3.1.0"' in page.content() or '"openapi":"3.1.0"' in page.content()
