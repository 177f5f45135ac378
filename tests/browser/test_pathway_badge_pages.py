"""Pathway badges in Chromium: a staff member makes a badge de parcours in the badge-class form (an error
first, then a save), a grid completes it, and its holder reads "un parcours complet" on a 360 px phone;
axe-core finds nothing on any of these pages; screenshots saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from badges.models import BadgeClass, Role
from badges.services.holders import private_link as access
from badges.services.programme import evaluation
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_staff_pages import check
from tests.factories import D06, D07, grid, issuing, make_programme
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(session, keyring, links, now):
    world = make_programme(session, keyring, links, now, {"display_name": "Awa", "email": "awa@example.org"})
    staff = make_user(session, now, Role.STAFF, issuer=world.issuer)
    session.commit()
    return world, staff


def test_staff_make_a_pathway_badge_then_a_grid_completes_it(
    page, browser, world, app, session, keyring, links, now
):
    programme, staff = world
    page.goto(links.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(links.base + "/staff/")
    page.goto(links.base + "/staff/badge-classes/new")
    page.get_by_label("Nom du badge").fill("Parcours découverte complet")
    page.get_by_label("Description").fill("J'ai suivi tout le parcours découverte.")
    page.get_by_label("N1 · Je découvre").check()
    page.locator("summary").filter(has_text="Pix").click()
    page.get_by_label("1.3 · Traiter des données").check()
    page.get_by_label("Badge de parcours : automatiquement").check()
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert page.get_by_label("Nom du badge").input_value() == "Parcours découverte complet"
    check(page, "badge-parcours-erreurs")

    page.get_by_label("Parcours", exact=True).select_option(label=programme.pathway.title)
    page.get_by_label(programme.badge.name).check()
    page.get_by_label("Nombre d’ateliers du parcours suivis, au moins").fill("1")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_text("Le modèle de badge est créé.")).to_be_visible()
    check(page, "badge-parcours-detail")

    session.rollback()
    awa = programme.people[0]
    cells = [(awa, D06, "N1"), (awa, D07, "N1")]
    data_attendance = {"attendance": [{"beneficiary": awa.public_id}]}
    evaluation.record_attendance_and_award(
        session, issuing(keyring, links, now), atelier=programme.atelier, data=data_attendance
    )
    issued = grid(session, keyring, links, now, programme.atelier, programme.staff, cells)[1].issued
    whole = session.scalars(select(BadgeClass).where(BadgeClass.name == "Parcours découverte complet")).one()
    assert [c.badge_class for c in issued] == [programme.badge, whole]
    token = access.private_token(session, beneficiary=awa, secret=app.config["LINK_SECRET"].encode(), now=now)
    session.commit()

    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{links.base}/mes-badges/{token}/{issued[1].public_id}")
    expect(
        phone.get_by_role("heading", name="Ce badge montre un parcours complet : 1 badge obtenu")
    ).to_be_visible()
    expect(phone.get_by_role("link", name=programme.badge.name)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    screenshot(phone, "badge-parcours-telephone-360px")
    context.close()
