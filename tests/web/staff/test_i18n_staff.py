"""The staff screens in English (?lang=en, then kept by the cookie): words, role, menu and dates change."""

from __future__ import annotations

from badges.services.reporting import figures_output
from badges.services.reporting.figures import METRICS
from badges.web.staff import figures
from tests.web.staff.conftest import sign_in, text

# The staff home page: greeting, header, menu (lazy labels), role label and the latest badges.
HOME_ENGLISH = [
    "Hello Camille staff",
    "Staff area",
    "Sign out",
    "Third-place team",
    "Pathways and workshops",
    "Participants",
    "Key figures",
    "Latest badges issued",
    "Public profile and keys",
    "March 12, 2026",
]
HOME_FRENCH = [
    "Bonjour Camille staff",
    "Espace équipe",
    "Se déconnecter",
    "Équipe du tiers-lieu",
    "Parcours et ateliers",
    "Bénéficiaires",
    "Chiffres clés",
    "Derniers badges délivrés",
    "Profil public et clés",
    "12 mars 2026",
]
# The list of badges issued: filters, count (ngettext), table headers and the short date.
AWARDS_ENGLISH = ["Name or badge", "Show all", "1 badge", "Participant", "Issued on", "12 Mar 2026"]
AWARDS_FRENCH = ["Nom ou badge", "Tout afficher", "Bénéficiaire", "Délivré le", "12 mars 2026"]


def test_the_staff_pages_are_in_english(client, world):
    sign_in(client, world.users["staff"])
    response = client.get("/staff/?lang=en")
    assert response.status_code == 200 and '<html lang="en">' in response.get_data(as_text=True)
    home = text(response)
    assert [s for s in HOME_ENGLISH if s not in home] == []
    assert [s for s in HOME_FRENCH if s in home] == []
    # No ?lang= any more: the cookie keeps English.
    awards = text(client.get("/staff/awards"))
    assert [s for s in AWARDS_ENGLISH if s not in awards] == []
    assert [s for s in AWARDS_FRENCH if s in awards] == []


def test_the_staff_pages_stay_french_by_default(client, world):
    sign_in(client, world.users["staff"])
    home = text(client.get("/staff/"))
    assert [s for s in HOME_FRENCH if s not in home] == []
    assert [s for s in HOME_ENGLISH if s in home] == []
    awards = text(client.get("/staff/awards"))
    assert [s for s in AWARDS_FRENCH if s not in awards] == []
    assert "Name or badge" not in awards and "12 Mar 2026" not in awards


def test_the_key_figures_name_every_figure_in_english(client, world):
    assert set(figures.METRIC_LABELS) == set(figures_output.HEADERS) == set(METRICS)
    sign_in(client, world.users["staff"])
    page = text(client.get("/staff/figures?lang=en&from=2026-01-01&to=2026-12-31"))
    english = ("Hours of support", "Participant hours", "Mediation workshops", "By pathway category")
    assert [s for s in (*english, "Badges revoked") if s not in page] == []
    french = ("Heures d'accompagnement", "Heures-participants", "Par catégorie de parcours")
    assert [s for s in (*french, "Badges révoqués") if s in page] == []
