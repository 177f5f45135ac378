"""The strict Content-Security-Policy holds on the main pages of every audience: Chromium reports no
violation (no inline script, no inline style, nothing from another site), and the pages still work."""

from __future__ import annotations

from typing import Any

import pytest

from badges.services.holders import private_link
from tests.web.staff.conftest import PASSWORD, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + where);
});
"""


@pytest.fixture
def watched(page) -> tuple[Any, list[str]]:
    """The page, and the CSP violations it reports (console messages and securitypolicyviolation events)."""
    reported: list[str] = []
    page.on("console", lambda m: reported.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    return page, reported


def violations(page: Any, reported: list[str], url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    return [*reported, *page.evaluate("window.__csp")]


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/staff/")


def test_the_watch_sees_a_blocked_inline_style(watched, links):
    page, reported = watched
    assert violations(page, reported, links.base + "/") == []
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("window.__csp.length > 0")
    assert any("style-src" in v for v in page.evaluate("window.__csp"))


def test_public_and_beneficiary_pages_report_no_violation(app, watched, session, links, now, world):  # noqa: F811
    page, reported = watched
    award = world.award
    token = private_link.private_token(
        session, beneficiary=award.beneficiary, secret=app.config["SECRET_KEY"].encode(), now=now
    )
    session.commit()
    home = private_link.page_url(links, token)
    for url in [
        links.base + "/",
        links.base + "/verifier",
        links.credential_page(award.public_id),
        links.issuer(world.issuer.slug),
        links.base + "/frameworks/pix-crcn",
        home,
        home + f"/{award.public_id}",
    ]:
        assert violations(page, reported, url) == [], url


STAFF_PAGES = {
    "staff": [
        "/staff/",
        "/staff/awards",
        "/staff/awards/{award}",
        "/staff/beneficiaries",
        "/staff/beneficiaries/{beneficiary}",
        "/staff/ateliers/{atelier}/grid",
        "/staff/badge-classes/{badge_class}/edit",
        "/staff/issuer",
        "/staff/keys",
        "/staff/figures",
        "/staff/account",
    ],
    "coordinator": [
        "/staff/",
        "/staff/network",
        "/staff/network/{slug}",
        "/staff/agencies",
        "/staff/frameworks",
    ],
    "counsellor": ["/staff/", "/staff/agency"],
}


@pytest.mark.parametrize("role", sorted(STAFF_PAGES))
def test_staff_pages_of_every_role_report_no_violation(watched, links, world, role):  # noqa: F811
    page, reported = watched
    assert violations(page, reported, links.base + "/staff/login") == []
    sign_in(page, links.base, world.users[role].email)
    values = {
        "award": world.award.public_id,
        "beneficiary": world.award.beneficiary.public_id,
        "atelier": world.atelier_id,
        "badge_class": world.award.badge_class.public_id,
        "slug": world.issuer.slug,
    }
    for path in STAFF_PAGES[role]:
        url = links.base + path.format(**values)
        assert violations(page, reported, url) == [], url
