"""The end of a pathway in Chromium: the médiateur writes a participant's outcome with them (errors first),
closes the pathway, a partner answers the questionnaire on a 360 px phone, the coordinator reads the
restitution and the counsellor the shared outcome; no axe-core violation on any of these pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from badges.models import Pathway
from badges.services.programme import actors
from tests.browser import test_programme_pages
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_programme_pages import sign_in
from tests.browser.test_staff_pages import check
from tests.factories import D06, grid

pytestmark = pytest.mark.browser
place = test_programme_pages.place  # the fixture: a tiers-lieu, its agency and one account per role


@pytest.fixture
def ending(place, session, keyring, links, now):
    """Moussa, in the pathway the agency follows, has acquired D-06; the directory holds one Pix centre."""
    pathway = session.query(Pathway).filter_by(title="Parcours suivi").one()
    pathway.counsellor_id = place.users["counsellor"].id
    moussa = pathway.enrolments[0].beneficiary
    staff = place.users["staff"]
    grid(session, keyring, links, now, pathway.ateliers[0], staff, [(moussa, D06, "N3")])
    data = {"kind": "pix", "name": "Centre Pix de Créteil", "department": "94", "address": "3 rue de Paris"}
    actors.create_actor(session, by=staff, data=data, now=now)
    session.commit()
    return pathway


def test_a_pathway_closes_its_outcome_questionnaires_and_restitution_follow(
    page,
    phone,
    browser,
    place,
    ending,
):
    sign_in(page, place, "staff")
    page.goto(place.base + f"/staff/pathways/{ending.public_id}")
    page.get_by_role("link", name="Fin du parcours : suite et clôture").click()
    check(page, "fin-de-parcours")
    page.get_by_role("link", name="Écrire la suite : Moussa").click()
    page.get_by_role("button", name="Enregistrer la suite").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check(page, "suite-de-parcours-erreurs")
    page.get_by_label("Mon projet après le parcours").fill("Je veux passer la certification Pix.")
    page.locator("#champ-skills input[type=checkbox]").first.check()
    page.get_by_label("Centre Pix de Créteil", exact=False).check()
    page.get_by_label("Je suis d’accord : mon conseiller peut voir mon projet et où je vais ensuite.").check()
    check(page, "suite-de-parcours")
    page.get_by_role("button", name="Enregistrer la suite").click()
    expect(page.get_by_text("La suite du parcours de Moussa est enregistrée.")).to_be_visible()
    page.get_by_label("Je confirme : le parcours est terminé.").check()
    page.get_by_role("button", name="Clore le parcours").click()
    expect(page.get_by_text("Le parcours est clos.")).to_be_visible()
    check(page, "parcours-clos")
    links = page.locator("code.handover").all_inner_texts()
    assert len(links) == 2, links

    # The agency's counsellor answers on a phone, through the link handed over.
    phone.goto(links[0])
    assert phone.locator("html").get_attribute("lang") == "fr"
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_role("alert").first).to_be_visible()
    assert axe_violations(phone) == []
    screenshot(phone, "questionnaire-erreurs-360")
    for question in ("Êtes-vous satisfait du parcours ?", "Le parcours a-t-il été utile aux participants ?"):
        phone.get_by_role("group", name=question).get_by_label("Tout à fait").check()
    phone.get_by_role("group", name="Le travail en binôme").get_by_label("Plutôt oui").check()
    phone.get_by_label("Qu’est-ce qui a bien marché ?").fill("Des ateliers courts et concrets.")
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.get_by_text("Merci. Vos réponses sont enregistrées.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    screenshot(phone, "questionnaire-merci-360")

    coordination = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(coordination, place, "coordinator")
    coordination.get_by_role("link", name="Restitution").click()
    expect(coordination.get_by_text("Des ateliers courts et concrets.").first).to_be_visible()
    check(coordination, "restitution-reseau")
    coordination.get_by_role("link", name="Parcours suivi").click()
    expect(coordination.get_by_text("Tout à fait (4/4)").first).to_be_visible()
    check(coordination, "restitution-parcours")
    coordination.context.close()

    counsellor = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(counsellor, place, "counsellor")
    counsellor.goto(place.base + "/staff/agency")
    expect(counsellor.get_by_text("Je veux passer la certification Pix.")).to_be_visible()
    check(counsellor, "agence-suite-partagee")
    counsellor.context.close()
