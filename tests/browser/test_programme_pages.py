"""Programme screens in Chromium: a staff member creates a pathway and an atelier, fills the grid with the
keyboard, sees the badges issued and revokes one; a counsellor sees only their agency's people; no axe-core
violation on any of these pages; the grid fits a 768 px tablet."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from badges.models import Agency, Credential, Issuer, PersonalCriterion, Role, User
from tests.browser.conftest import screenshot
from tests.browser.test_staff_pages import check
from tests.factories import (
    enrol,
    make_agency,
    make_atelier,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
)
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@dataclass
class Place:
    base: str
    issuer: Issuer
    agency: Agency
    users: dict[str, User]


@pytest.fixture
def place(session, keyring, links, now) -> Place:
    issuer = make_issuer(session, keyring, links, now)
    for name in ("Awa", "Karim", "Lina"):
        make_beneficiary(session, issuer, now, display_name=name, email=None)
    make_rule_badge_class(session, issuer, now)
    agency, other_agency = make_agency(session, now, name="Agence de Créteil"), make_agency(session, now)
    followed = make_pathway(session, issuer, now, title="Parcours suivi", agency=agency.public_id)
    elsewhere = make_pathway(session, issuer, now, title="Autre parcours", agency=other_agency.public_id)
    moussa = make_beneficiary(session, issuer, now, display_name="Moussa", email=None)
    zoe = make_beneficiary(session, issuer, now, display_name="Zoé", email=None)
    enrol(session, followed, now, moussa)
    enrol(session, elsewhere, now, zoe)
    make_atelier(session, followed, now, title="Atelier suivi")
    users = {
        "staff": make_user(session, now, Role.STAFF, issuer=issuer),
        "counsellor": make_user(session, now, Role.COUNSELLOR, agency=agency),
        "coordinator": make_user(session, now, Role.COORDINATOR),
    }
    session.commit()
    return Place(links.base, issuer, agency, users)


def sign_in(page, place: Place, role: str) -> None:
    page.goto(place.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(place.users[role].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(place.base + "/staff/")


def create_pathway(page, place: Place) -> None:
    page.get_by_role("link", name="Parcours et ateliers").click()
    check(page, "parcours")
    page.get_by_role("link", name="Créer un parcours").click()
    page.get_by_role("button", name="Enregistrer le parcours").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check(page, "parcours-nouveau-erreurs")
    page.get_by_label("Titre").fill("Premiers pas numériques")
    page.get_by_label("Type de parcours").select_option("court")
    page.get_by_label("Catégorie").select_option("apprentissage_par_le_faire")
    page.get_by_label("Date de début").fill("2026-03-01")
    page.get_by_label("Date de fin").fill("2026-05-31")
    page.get_by_label("Agence partenaire").select_option(label="Agence de Créteil")
    page.get_by_role("button", name="Enregistrer le parcours").click()
    expect(page.get_by_text("Le parcours est créé.")).to_be_visible()
    for name in ("Awa", "Karim", "Lina"):
        page.get_by_label("Inscrire une personne").select_option(label=name)
        page.get_by_role("button", name="Inscrire", exact=True).click()
    check(page, "parcours-detail")


def create_atelier(page) -> None:
    page.get_by_role("link", name="Ajouter un atelier").click()
    page.get_by_label("Titre de l’atelier").fill("Créer son adresse e-mail")
    page.locator("#champ-held_on").fill("2026-03-10")
    page.get_by_label("Durée en minutes").fill("120")
    page.get_by_role("button", name="Enregistrer l’atelier").click()
    expect(page.get_by_text("Cochez au moins une compétence").first).to_be_visible()
    check(page, "atelier-nouveau-erreurs")
    page.get_by_label("D-06 ·").check()
    page.get_by_label("D-07 ·").check()
    page.get_by_role("button", name="Enregistrer l’atelier").click()
    expect(page.get_by_text("L’atelier est créé.")).to_be_visible()
    check(page, "atelier")


def fill_grid(page) -> None:
    page.get_by_role("link", name="Remplir la grille d’évaluation").click()
    check(page, "grille")
    # Awa's row by keyboard (1-4 choose the level and move on), then a wrong-free rest by pointer.
    page.locator("#cellule-1-1").focus()
    page.keyboard.press("1")
    page.keyboard.press("2")
    assert page.evaluate("document.activeElement.id") == "cellule-2-1"
    for cell in ("#cellule-2-1", "#cellule-2-2", "#cellule-3-1", "#cellule-3-2"):
        page.locator(cell).select_option("N1")
    page.get_by_label("Méthode").select_option("")
    page.get_by_role("button", name="Enregistrer la grille").click()
    expect(page.get_by_role("alert").get_by_text("Choisissez la méthode")).to_be_visible()
    assert page.locator("#cellule-1-2").input_value() == "N2", "what was typed is kept"
    check(page, "grille-erreur")
    page.get_by_label("Méthode").select_option("observation")
    page.get_by_role("button", name="Enregistrer la grille").click()
    status = page.get_by_role("status").filter(has_text="3 badges délivrés")
    expect(status).to_be_visible()
    check(page, "grille-enregistree")


def test_a_staff_member_goes_from_pathway_to_badges_and_revokes_one(page, place, session):
    sign_in(page, place, "staff")
    create_pathway(page, place)
    create_atelier(page)
    fill_grid(page)
    assert session.scalar(select(func.count()).select_from(Credential)) == 3
    page.get_by_role("link", name="Badges délivrés").first.click()
    page.get_by_role("row").filter(has_text="Karim").get_by_role("link").click()
    page.get_by_role("link", name="Révoquer ce badge").click()
    page.get_by_label("Raison de la révocation").fill("Évaluation saisie pour la mauvaise personne.")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Révoquer définitivement").click()
    expect(page.get_by_text("Le badge est révoqué.")).to_be_visible()
    session.rollback()  # a fresh read: the server committed in its own session
    assert session.scalar(select(func.count()).where(Credential.revoked_at.is_not(None))) == 1


def test_a_counsellor_sees_only_their_agency_people_and_acquired_skills(page, place):
    sign_in(page, place, "counsellor")
    page.get_by_role("link", name="Mon agence").click()
    expect(page.get_by_role("rowheader", name="Moussa")).to_be_visible()
    assert page.get_by_text("Zoé").count() == 0 and page.get_by_text("Awa").count() == 0
    assert page.get_by_text("Intermédiaire").count() == 0, "no internal profile label"
    expect(page.get_by_role("link", name="vérifier un badge", exact=True)).to_be_visible()
    check(page, "agence")
    assert page.goto(place.base + "/staff/pathways").status == 403


def test_a_staff_member_awards_a_badge_by_hand_from_the_beneficiary_file(page, place, session):
    sign_in(page, place, "staff")
    page.get_by_role("link", name="Bénéficiaires").click()
    page.get_by_role("link", name="Moussa").click()
    page.get_by_role("button", name="Délivrer le badge").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page, "delivrer-a-la-main-erreur")
    page.get_by_label("Badge (obligatoire)", exact=True).select_option(label="Mes premiers e-mails")
    page.get_by_label("Ce que la personne a montré").fill("A envoyé seul un e-mail avec une pièce jointe.")
    page.get_by_role("button", name="Délivrer le badge").click()
    expect(page.get_by_text("Le badge « Mes premiers e-mails » est délivré à Moussa.")).to_be_visible()
    expect(page.get_by_role("link", name="Certificat à imprimer (PDF)")).to_be_visible()
    check(page, "delivre-a-la-main")
    assert session.scalar(select(func.count()).select_from(Credential)) == 1


def test_a_staff_member_sets_and_rates_a_beneficiary_s_personal_objectives(page, place, session):
    sign_in(page, place, "staff")
    page.get_by_role("link", name="Parcours et ateliers").click()
    page.get_by_role("link", name="Parcours suivi").click()
    page.get_by_role("link", name="Objectifs personnels : Moussa").click()
    check(page, "objectifs")
    objectives = page.get_by_role("group", name="Objectif 1", exact=True)
    objectives.get_by_label("Ce que la personne veut réussir").fill("Envoyer mon CV par e-mail")
    objectives.get_by_label("Sa note au début").select_option("N1")
    second = page.get_by_role("group", name="Objectif 2", exact=True)
    second.get_by_label("Ce que la personne veut réussir").fill("Prendre rendez-vous sur internet")
    page.get_by_role("button", name="Enregistrer les objectifs").click()
    expect(page.get_by_role("alert")).to_contain_text("Choisissez sa note au début.")
    expect(page.get_by_role("alert")).to_contain_text("Indiquez 3 ou 4 objectifs personnels.")
    check(page, "objectifs-erreurs")
    second.get_by_label("Sa note au début").select_option("N2")
    third = page.get_by_role("group", name="Objectif 3", exact=True)
    third.get_by_label("Ce que la personne veut réussir").fill("Lire mes courriers")
    third.get_by_label("Sa note au début").select_option("N1")
    page.get_by_role("button", name="Enregistrer les objectifs").click()
    expect(page.get_by_text("Les objectifs de Moussa sont enregistrés.")).to_be_visible()
    page.get_by_role("radio", name="Pendant le parcours").check()
    for label, level in (("Envoyer mon CV par e-mail", "N2"), ("Prendre rendez-vous sur internet", "N3"),
                         ("Lire mes courriers", "N2")):  # fmt: skip
        page.get_by_label(f"{label} (obligatoire)", exact=True).select_option(level)
    page.get_by_role("button", name="Enregistrer les notes").click()
    expect(page.get_by_text("Les notes de Moussa sont enregistrées.")).to_be_visible()
    expect(page.get_by_role("row", name="Prendre rendez-vous sur internet N2 N3 —")).to_be_visible()
    check(page, "objectifs-notes")
    session.rollback()
    ratings = session.scalars(select(PersonalCriterion.rating_during).order_by(PersonalCriterion.position))
    assert list(ratings) == ["N2", "N3", "N2"]


def test_every_programme_page_is_accessible_and_fits_a_tablet(page, place):
    sign_in(page, place, "staff")
    for name, path in {
        "calendrier-semaine": "/staff/ateliers?date=2026-03-10",
        "calendrier-mois": "/staff/ateliers?vue=mois&date=2026-03-10",
        "beneficiaires": "/staff/beneficiaries",
        "beneficiaire-nouveau": "/staff/beneficiaries/new",
        "beneficiaires-import": "/staff/beneficiaries/import",
        "programme-import": "/staff/programme/import",
        "chiffres-cles": "/staff/figures?from=2026-01-01&to=2026-12-31",
        "chiffres-cles-erreur": "/staff/figures?from=2026-13-01&department=999",
    }.items():
        page.goto(place.base + path)
        check(page, name)
    page.goto(place.base + "/staff/ateliers?date=2026-03-10")
    page.get_by_role("link", name="Grille d’évaluation").first.click()
    check(page, "grille-atelier-suivi")
    for width, size in ((768, "100%"), (640, "225%")):
        page.set_viewport_size({"width": width, "height": 1000})
        page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"staff-grille-{width}px")


def test_a_coordinator_reads_the_network_figures(page, place):
    sign_in(page, place, "coordinator")
    page.get_by_role("link", name="Chiffres clés", exact=True).click()
    expect(page.get_by_label("Tiers-lieu", exact=True)).to_be_visible()
    check(page, "chiffres-cles-reseau")  # with the coordinators' costs section (budgets, issue 14)
    expect(page.get_by_text("Coût par bénéficiaire").first).to_be_visible()
