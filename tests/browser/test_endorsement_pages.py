"""Endorsement screens in Chromium: a counsellor signs one (an error first), the badge page says so in
one line, the class page names the endorser; no axe-core violation; everything fits a 360 px phone."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from badges.models import Credential, Role, User
from badges.services.credentials import endorsements
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_staff_pages import check
from tests.factories import make_agency, make_award
from tests.services.credentials.test_endorsements import SETTINGS
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@dataclass
class Site:
    base: str
    award: Credential
    counsellor: User
    staff: User
    agency: str


@pytest.fixture
def site(session, keyring, links, now) -> Site:
    award = make_award(session, keyring, links, now, display_name="Awa")
    agency = make_agency(session, now, name="France Travail, agence de Montreuil")
    counsellor = make_user(session, now, Role.COUNSELLOR, agency=agency)
    staff = make_user(session, now, Role.STAFF, issuer=award.issuer)
    session.commit()
    return Site(links.base, award, counsellor, staff, agency.name)


def sign_in(page, site: Site, user: User) -> None:
    page.goto(site.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(site.base + "/staff/")


def fits(page, width: int, path: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, path


def test_a_counsellor_endorses_a_badge_on_a_phone_and_its_page_says_so(phone, site):
    sign_in(phone, site, site.counsellor)
    phone.goto(site.base + "/staff/endorsements")
    check(phone, "recommandations")
    fits(phone, 360, "/staff/endorsements")
    phone.get_by_role("button", name="Signer la recommandation").click()
    expect(phone.get_by_text("Choisissez dans la liste ce que vous recommandez.").first).to_be_visible()
    expect(phone.get_by_text("Ce champ est obligatoire").first).to_be_visible()
    check(phone, "recommandations-erreur")
    fits(phone, 360, "/staff/endorsements (erreurs)")
    phone.get_by_label("Ce que vous recommandez").select_option(
        f"badge_class:{site.award.badge_class.public_id}"
    )
    phone.get_by_label("Votre phrase").fill("France Travail, agence de Montreuil, reconnaît ce badge.")
    phone.get_by_role("button", name="Signer la recommandation").click()
    expect(phone.get_by_text("La recommandation est signée et publiée.")).to_be_visible()
    check(phone, "recommandations-signee")
    phone.goto(site.base + f"/credentials/{site.award.public_id}")
    expect(phone.get_by_text(site.agency)).to_be_visible()
    assert axe_violations(phone) == []
    fits(phone, 360, "badge page")
    screenshot(phone, "badge-recommande-360px")
    page_url = f"{site.base}/credentials/{site.award.public_id}"
    phone.goto(f"{site.base}/verifier?{urlencode({'url': page_url})}")
    expect(phone.get_by_role("heading", name="Recommandations")).to_be_visible()
    assert axe_violations(phone) == []
    fits(phone, 360, "verifier")
    screenshot(phone, "verification-recommandations-360px")


def test_the_class_page_names_the_endorser(page, site, session, keyring, links, now):
    data = {"target": "badge_class", "id": site.award.badge_class.public_id, "comment": "Reconnu."}
    endorsements.endorse(
        session,
        keyring,
        actor=session.merge(site.counsellor),
        data=data,
        settings=SETTINGS,
        links=links,
        now=now,
    )
    session.commit()
    sign_in(page, site, site.staff)
    page.goto(site.base + f"/staff/badge-classes/{site.award.badge_class.public_id}")
    expect(page.get_by_text(f"Recommandé par : {site.agency}")).to_be_visible()
    check(page, "modele-recommande")
