"""The evaluation grid in Chromium: nothing typed is lost when the session ends before the save (1-minute
idle limit, clock moved), attendance is ticked with the levels, the page after a save says what it did,
the level meanings sit beside the cells; no axe-core violation at 360, 768 and 1,280 px."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from badges.models import Attendance, Evaluation, Role, User
from tests.browser.test_staff_pages import check
from tests.factories import (
    enrol,
    make_atelier,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
)
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser
RESTORED = "Votre saisie a été gardée. Vérifiez-la puis enregistrez."


@dataclass
class Grid:
    base: str
    url: str
    user: User


@pytest.fixture
def grid(session, keyring, links, now) -> Grid:
    issuer = make_issuer(session, keyring, links, now)
    pathway = make_pathway(session, issuer, now, title="Premiers pas")
    people = [
        make_beneficiary(session, issuer, now, display_name=n, email=None) for n in ("Awa", "Karim", "Lina")
    ]
    enrol(session, pathway, now, *people)
    make_rule_badge_class(session, issuer, now, level="N2", name="Envoyer un e-mail")
    atelier = make_atelier(session, pathway, now, title="Créer son adresse e-mail")
    user = make_user(session, now, Role.STAFF, issuer=issuer)
    session.commit()
    return Grid(links.base, f"{links.base}/staff/ateliers/{atelier.public_id}/grid", user)


def sign_in(page, grid: Grid) -> None:
    page.get_by_label("Adresse e-mail").fill(grid.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def cell(page, row: int, col: int):
    return page.locator(f"#cellule-{row}-{col}")


def test_a_grid_saved_after_the_session_ended_keeps_every_cell_typed(
    app, page, grid, session, now, monkeypatch
):
    monkeypatch.setitem(app.config, "STAFF_IDLE_MINUTES", 1)
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    expect(page.get_by_text(RESTORED)).to_be_hidden()
    with page.expect_response(lambda r: r.url.endswith("/grid/draft") and r.status == 204):
        cell(page, 1, 1).select_option("N2")
        cell(page, 2, 2).select_option("N3")
    # Idle past the limit (the clock moves: no 60 s wait), then one more cell and the save.
    app.config["CLOCK"].frozen = now + timedelta(minutes=2)
    cell(page, 3, 1).focus()
    page.keyboard.press("1")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_text("Votre session a pris fin : reconnectez-vous.")).to_be_visible()
    check(page, "grille-session-finie")
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    expect(cell(page, 1, 1)).to_have_value("N2")
    expect(cell(page, 2, 2)).to_have_value("N3")
    expect(cell(page, 3, 1)).to_have_value("N1")
    for box in ("#presence-1", "#presence-2", "#presence-3"):
        expect(page.locator(box)).to_be_checked()
    check(page, "grille-saisie-gardee")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_role("status").filter(has_text="Grille enregistrée : 3 évaluations.")).to_be_visible()
    expect(page.get_by_text(RESTORED)).to_be_hidden()
    session.rollback()
    results = {
        (e.beneficiary.display_name, e.competency.code, e.result) for e in session.scalars(select(Evaluation))
    }
    assert results == {("Awa", "D-06", "N2"), ("Karim", "D-07", "N3"), ("Lina", "D-06", "N1")}
    assert session.scalars(select(Attendance.present)).all() == [True, True, True]
    page.reload()
    expect(page.get_by_text(RESTORED)).to_be_hidden()  # the browser's draft was cleared by the save


def test_the_page_after_a_save_shows_what_was_saved_and_why_badges_were_not_issued(page, grid):
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    cell(page, 1, 1).select_option("N2")
    cell(page, 1, 2).select_option("N2")
    cell(page, 2, 1).select_option("N2")
    page.locator("#presence-3").check()
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_role("status").filter(has_text="1 badge délivré")).to_be_visible()
    expect(cell(page, 1, 1)).to_have_value("N2")
    expect(cell(page, 2, 1)).to_have_value("N2")
    expect(page.get_by_role("link", name="Badge « Envoyer un e-mail » pour Awa")).to_be_visible()
    expect(
        page.get_by_text(
            "Badge « Envoyer un e-mail » pour Karim : il manque Parcours Découverte D-07 au niveau N2."
        )
    ).to_be_visible()
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"grille-bilan-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Badge « Envoyer un e-mail » pour Awa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Envoyer un e-mail")


def test_the_level_meanings_sit_beside_the_cells(page, grid):
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    legend = page.locator("#echelle")
    expect(legend.get_by_text("N2 · Je fais seul, pas à pas")).to_be_visible()
    assert cell(page, 1, 1).get_attribute("aria-describedby") == "echelle", (
        "each cell's description is the scale"
    )
    expect(page.get_by_role("columnheader", name="Parcours Découverte D-06")).to_be_visible()
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"grille-legende-{width}")


def test_the_atelier_form_shows_which_badges_the_ticked_competences_lead_to(page, grid):
    page.goto(grid.url.removesuffix("/grid") + "/edit")
    sign_in(page, grid)
    needs = page.locator(".badge-needs")
    expect(needs.get_by_role("heading", name="Badge « Envoyer un e-mail » (niveau N2)")).to_be_visible()
    d07 = needs.locator('li[data-competence="parcours-decouverte:D-07"]')
    expect(d07).to_contain_text("Parcours Découverte D-07")
    expect(d07.get_by_text("travaillée ici")).to_be_visible()
    page.get_by_label("D-07 ·").uncheck()
    expect(d07.get_by_text("travaillée ici")).to_be_hidden()
    page.get_by_label("D-07 ·").check()
    expect(d07.get_by_text("travaillée ici")).to_be_visible()
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        check(page, f"atelier-formulaire-badges-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_signing_out_leaves_no_draft_on_a_shared_tablet_and_the_server_keeps_it(page, grid):
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    with page.expect_response(lambda r: r.url.endswith("/grid/draft") and r.status == 204):
        cell(page, 1, 1).select_option("N3")
    assert page.evaluate("window.localStorage.length") == 1, "the browser keeps a draft while signed in"
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté(e).")).to_be_visible()
    assert page.evaluate("window.localStorage.length") == 0, "nothing stays on the tablet"
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    expect(page.get_by_text(RESTORED)).to_be_visible()
    expect(cell(page, 1, 1)).to_have_value("N3")


def test_a_grid_past_the_threshold_shows_the_signing_progress_then_the_badges(app, page, grid, monkeypatch):
    monkeypatch.setitem(app.config, "INLINE_AWARDS_MAX", 1)
    page.goto(grid.url)
    sign_in(page, grid)
    page.wait_for_url(grid.url)
    for row in (1, 2):
        cell(page, row, 1).select_option("N2")
        cell(page, row, 2).select_option("N2")
    # The page's polls fail (the script retries) until axe-core has read it: a poll seeing the job done
    # would open the next page in the middle of the check ("Execution context was destroyed").
    page.route("**/progress*", lambda route: route.abort())
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_role("heading", name="Badges en cours de signature")).to_be_visible()
    expect(page.get_by_role("link", name="Actualiser l’avancement")).to_be_visible()
    check(page, "grille-signature-en-cours")
    page.unroute("**/progress*")
    # The page polls the progress, then opens the list of the badges signed by the workers.
    page.wait_for_url("**/staff/bulk/*", timeout=30_000)
    expect(page.get_by_role("status")).to_contain_text("2 badges sur 2 signés. Terminé.")
    expect(page.get_by_role("link", name="Badge « Envoyer un e-mail » pour Awa")).to_be_visible()
    expect(page.get_by_role("link", name="Badge « Envoyer un e-mail » pour Karim")).to_be_visible()
    check(page, "signature-terminee")
