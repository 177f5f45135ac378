"""Frameworks screens in Chromium: a staff member browses the frameworks, imports a CSV with an error and
reads the report, then a good file; no axe-core violation on any of these pages; they fit a 768 px tablet
and 200 % zoom."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from badges.models import Framework, Role, User
from badges.services.programme import framework_io
from tests.browser.conftest import screenshot
from tests.browser.test_staff_pages import check
from tests.factories import make_issuer
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

HEADER = "code;title;area;falc_description;level;criteria;alignments"
GOOD = "T-01;Envoyer un e-mail;E-mail;J'envoie un message.;N2;Écrit l'objet | Joint un fichier;pix-crcn:2.1"
WRONG = "T-02;;Internet;;N7;;inconnu:9"


@dataclass
class Network:
    base: str
    users: dict[str, User]


@pytest.fixture
def network(session, keyring, links, now) -> Network:
    issuer = make_issuer(session, keyring, links, now)
    framework_io.load_defaults(session)
    users = {
        "staff": make_user(session, now, Role.STAFF, issuer=issuer),
        "coordinator": make_user(session, now, Role.COORDINATOR),
    }
    session.commit()
    return Network(links.base, users)


def sign_in(page, network: Network, role: str) -> None:
    page.goto(network.base + "/staff/login")
    page.get_by_label("Adresse e-mail").fill(network.users[role].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(network.base + "/staff/")


def choose_file(page, lines: list[str]) -> None:
    body = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    page.locator("#champ-fichier").set_input_files(
        {"name": "parcours.csv", "mimeType": "text/csv", "buffer": body}
    )


def fill_framework_fields(page) -> None:
    page.get_by_label("Identifiant").fill("parcours-essai")
    page.get_by_label("Version (obligatoire)", exact=True).fill("1.0")
    page.get_by_label("Nom du référentiel").fill("Parcours essai")
    page.get_by_label("Type de référentiel").select_option(label="Référentiel de profil")
    page.get_by_label("Profil interne").select_option(label="Initié")


def test_a_staff_member_browses_and_imports_a_csv_after_reading_the_error_report(page, network, session):
    sign_in(page, network, "staff")
    page.get_by_role("link", name="Référentiels").click()
    expect(
        page.get_by_role("row").filter(has_text="parcours-decouverte").get_by_text("Exclu du numérique")
    ).to_be_visible()
    check(page, "referentiels")
    page.get_by_role("link", name="Parcours Découverte").click()
    expect(page.get_by_role("heading", name="D-06 Créer une adresse e-mail")).to_be_visible()
    check(page, "referentiel-detail")
    page.get_by_role("link", name="Référentiels", exact=True).first.click()
    page.get_by_role("link", name="Importer un référentiel").click()
    check(page, "referentiel-import")
    before = session.scalar(select(func.count()).select_from(Framework))

    fill_framework_fields(page)
    choose_file(page, [HEADER, GOOD, WRONG])
    page.get_by_role("button", name="Importer").click()
    report = page.get_by_role("table", name="Erreurs, ligne par ligne du fichier CSV")
    expect(report.get_by_role("row").filter(has_text="Intitulé").get_by_text("3", exact=True)).to_be_visible()
    expect(report.get_by_text("Ce champ est obligatoire.")).to_be_visible()
    assert page.get_by_label("Identifiant").input_value() == "parcours-essai", "what was typed is kept"
    check(page, "referentiel-import-erreurs")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Framework)) == before

    choose_file(page, [HEADER, GOOD])
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status").filter(has_text="est importé : 1 compétence")).to_be_visible()
    expect(page.get_by_role("heading", name="T-01 Envoyer un e-mail")).to_be_visible()
    check(page, "referentiel-importe")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Framework)) == before + 1


def test_a_coordinator_reads_a_chosen_version(page, network):
    sign_in(page, network, "coordinator")
    page.goto(network.base + "/staff/frameworks/pix-crcn?version=2019")
    assert page.get_by_role("link", name="Version 2019", exact=True).get_attribute("aria-current") == "page"
    check(page, "referentiel-coordination")


@pytest.mark.parametrize(("width", "size"), [(768, "100%"), (640, "225%")])
def test_framework_screens_fit_a_tablet_and_200_percent_zoom(page, network, width, size):
    page.set_viewport_size({"width": width, "height": 1000})
    sign_in(page, network, "staff")
    for path in ("/staff/frameworks", "/staff/frameworks/parcours-decouverte", "/staff/frameworks/import"):
        page.goto(network.base + path)
        page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    fill_framework_fields(page)
    choose_file(page, [HEADER, WRONG])
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("table", name="Erreurs, ligne par ligne du fichier CSV")).to_be_visible()
    page.evaluate(f"document.documentElement.style.fontSize = '{size}'")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"staff-referentiel-import-erreurs-{width}px")
