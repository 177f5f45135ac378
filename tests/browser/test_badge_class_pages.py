"""Badge-class screens in Chromium: a staff member creates a class (errors first, then an image preview, then
a save), reads its detail, edits it with an uploaded image; no axe-core violation on the list, the form (with
and without errors), the preview and the detail; the pages fit a 768 px tablet and 200 % zoom."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from badges.models import BadgeClass, Issuer, Role, User
from tests.browser.conftest import screenshot
from tests.browser.test_staff_pages import check
from tests.factories import make_award
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


@dataclass
class Place:
    base: str
    issuer: Issuer
    staff: User
    awarded_id: str


@pytest.fixture
def place(session, keyring, links, now) -> Place:
    award = make_award(session, keyring, links, now, display_name="Awa")
    staff = make_user(session, now, Role.STAFF, issuer=award.issuer)
    session.commit()
    return Place(links.base, award.issuer, staff, award.badge_class.public_id)


def sign_in(page, place: Place) -> None:
    page.goto(place.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(place.staff.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(place.base + "/staff/")


def image_loaded(page, name: str) -> bool:
    return bool(page.get_by_role("img", name=name).evaluate("img => img.complete && img.naturalWidth > 0"))


def fill_new_class(page) -> None:
    page.get_by_label("Nom du badge").fill("Ranger ses fichiers")
    page.get_by_label("Description").fill("Je sais créer un dossier et y ranger mes documents.")
    page.get_by_label("N2 · Je fais seul, pas à pas").check()
    page.get_by_label("Profil visé (interne)").select_option("initie")
    page.locator("summary").filter(has_text="Pix").click()
    page.get_by_label("1.3 · Traiter des données").check()
    page.get_by_label("Automatiquement, dès que les conditions").check()
    page.get_by_label("Nombre d’ateliers suivis, au moins").fill("3")
    page.get_by_label("Couleur").select_option(label="Violet")


def test_a_staff_member_creates_previews_saves_and_edits_a_badge_class(page, place, session, tmp_path):
    sign_in(page, place)
    page.get_by_role("link", name="Modèles de badges").first.click()
    expect(page.get_by_role("row").filter(has_text="Échanger par e-mail")).to_be_visible()
    check(page, "modeles-badges")
    page.get_by_role("link", name="Créer un modèle de badge").click()
    check(page, "modele-nouveau")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.get_by_role("link", name="Niveau : Choisissez le niveau du badge.").click()
    assert page.evaluate("location.hash") == "#champ-level"
    check(page, "modele-nouveau-erreurs")

    fill_new_class(page)
    page.get_by_role("button", name="Prévisualiser l’image").click()
    assert image_loaded(page, "Aperçu de l’image du badge « Ranger ses fichiers »")
    assert page.get_by_label("Nom du badge").input_value() == "Ranger ses fichiers", "what was typed is kept"
    assert page.get_by_label("1.3 · Traiter des données").is_checked()
    assert page.get_by_label("Nombre d’ateliers suivis, au moins").input_value() == "3"
    check(page, "modele-apercu")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_text("Le modèle de badge est créé.")).to_be_visible()
    expect(page.get_by_text("Avoir participé à au moins 3 ateliers.").first).to_be_visible()
    assert image_loaded(page, "Image du badge « Ranger ses fichiers » : son nom et son niveau, N2")
    check(page, "modele-detail")

    picture = tmp_path / "logo.png"
    Image.new("RGB", (300, 200), (20, 120, 60)).save(picture)
    page.get_by_role("link", name="Modifier le modèle").click()
    expect(page.get_by_role("note").get_by_text("gardent la version avec laquelle")).to_be_visible()
    check(page, "modele-modifier")
    page.get_by_label("Nom du badge").fill("Ranger ses dossiers")
    page.get_by_label("Utiliser une image à envoyer").check()
    page.get_by_label("Fichier image").set_input_files(str(picture))
    page.get_by_role("button", name="Prévisualiser l’image").click()
    assert image_loaded(page, "Aperçu de l’image du badge « Ranger ses dossiers »")
    expect(page.get_by_text("L’image déjà choisie est gardée")).to_be_visible()
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.get_by_text("Le modèle de badge est enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ranger ses dossiers")).to_be_visible()
    session.rollback()  # a fresh read: the server committed in its own session
    saved = session.scalars(select(BadgeClass).where(BadgeClass.name == "Ranger ses dossiers")).one()
    assert saved.image_uploaded and saved.rule == [
        {"type": "competences_acquired"},
        {"type": "min_attendance", "ateliers": 3},
    ]
    with Image.open(io.BytesIO(saved.image_png)) as stored:
        assert stored.size == (600, 600)


def test_the_delete_pages_are_accessible(page, place):
    sign_in(page, place)
    page.goto(place.base + f"/staff/badge-classes/{place.awarded_id}/delete")
    expect(page.get_by_text("il ne peut plus être supprimé").first).to_be_visible()
    check(page, "modele-suppression-refusee")


@pytest.mark.parametrize(("width", "size"), [(768, "100%"), (640, "225%")])
def test_badge_class_pages_fit_a_tablet_and_200_percent_zoom(page, place, width, size):
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, place)
    for name, path in {
        "liste": "/staff/badge-classes",
        "formulaire": "/staff/badge-classes/new",
        "detail": f"/staff/badge-classes/{place.awarded_id}",
        "modifier": f"/staff/badge-classes/{place.awarded_id}/edit",
    }.items():
        page.goto(place.base + path)
        page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        screenshot(page, f"staff-modele-{name}-{width}px")
