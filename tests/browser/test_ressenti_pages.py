"""The ressenti in Chromium: a médiateur hands a 768 px tablet round a group of 8 (one screen each, big
targets, "Suivant"), then reads the group's answers on the atelier page; a participant answers alone on a
360 px phone through their private link, with the keyboard. No axe-core violation; screenshots saved."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from badges.models import Atelier, Beneficiary, Ressenti, Role, User
from badges.services.holders import private_link
from badges.services.programme import pathways
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_staff_pages import check
from tests.factories import count_committed, enrol, make_atelier, make_beneficiary, make_issuer, make_pathway
from tests.web.staff.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser
NAMES = ("Awa", "Bintou", "Chloé", "Djamel", "Élise", "Fatou", "Gaspard", "Hugo")


@dataclass
class Group:
    base: str
    atelier: Atelier
    people: list[Beneficiary]
    user: User
    token: str


@pytest.fixture
def group(app, session, keyring, links, now) -> Group:
    """Eight people present at the 10 March atelier (the clock says 12 March)."""
    issuer = make_issuer(session, keyring, links, now)
    pathway = make_pathway(session, issuer, now, title="Premiers pas")
    people = [make_beneficiary(session, issuer, now, display_name=n, email=None) for n in NAMES]
    enrol(session, pathway, now, *people)
    atelier = make_atelier(session, pathway, now, title="Créer son adresse e-mail")
    data = {"attendance": [{"beneficiary": p.public_id, "present": True} for p in people]}
    pathways.record_attendance(session, atelier=atelier, data=data)
    user = make_user(session, now, Role.STAFF, issuer=issuer)
    secret = app.config["LINK_SECRET"].encode()
    token = private_link.private_token(session, beneficiary=people[0], secret=secret, now=now)
    session.commit()
    return Group(links.base, atelier, people, user, token)


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 768, "height": 1024}, has_touch=True)
    opened = context.new_page()
    yield opened
    context.close()


def test_a_mediateur_hands_the_tablet_round_a_group_of_eight(tablet, group, session):
    page = tablet
    page.goto(f"{group.base}/staff/ateliers/{group.atelier.public_id}/ressenti")
    page.get_by_label("Adresse e-mail").fill(group.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("8 personnes présentes.")).to_be_visible()
    check(page, "ressenti-tablette-debut")
    page.get_by_role("link", name="Commencer le tour").click()
    # The first person presses "Suivant" without choosing: told what to do, nothing saved.
    page.get_by_label("J’ai appris des choses.").first.check()
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Choisissez une image : comment vous êtes-vous senti ?").first).to_be_visible()
    expect(page.get_by_label("J’ai appris des choses.").first).to_be_checked()
    check(page, "ressenti-tablette-erreur")
    feelings = ["Très bien", "Bien", "Très bien", "Moyen", "Bien", "Difficile", "Très bien"]
    started = time.perf_counter()
    for position, feeling in enumerate(feelings, start=1):
        expect(page.get_by_text(f"Personne {position} sur 8")).to_be_visible()
        page.get_by_text(feeling, exact=True).click()  # the big pictogram with its words
        if position == 1:
            check(page, "ressenti-tablette-personne")
        if position % 2:
            page.get_by_label("Je sais le faire.").first.check()
        else:
            page.get_by_label("Je veux revoir.").last.check()
        if position == 6:
            page.get_by_label("Vos mots (si vous voulez)").fill("Un peu trop vite pour moi")
        page.get_by_role("button", name="Suivant").click()
    page.get_by_role("button", name="Passer").click()  # Hugo does not want to answer
    elapsed = time.perf_counter() - started
    print(f"\ntablet round of 8 (7 answers, 1 skipped) in the browser: {elapsed:.1f} s")
    expect(page.get_by_text("Merci. Le tour du groupe est fini.")).to_be_visible()
    expect(page.get_by_text("7 réponses pour 8 personnes présentes.")).to_be_visible()
    expect(page.get_by_text("Un peu trop vite pour moi")).to_be_visible()
    section = page.locator("section", has=page.locator("#ressenti")).inner_text()
    assert not any(name in section for name in NAMES)  # never a name next to a feeling
    check(page, "ressenti-tablette-resume")
    page.get_by_role("link", name="Premiers pas").click()
    expect(page.get_by_role("heading", name="Ressenti au fil des ateliers")).to_be_visible()
    check(page, "ressenti-parcours")
    page.goto(f"{group.base}/staff/figures?from=2026-01-01&to=2026-12-31")
    expect(page.get_by_text("100 % des ateliers vécus positivement")).to_be_visible()
    check(page, "ressenti-chiffres-cles")
    assert count_committed(session, Ressenti) == 7


def test_a_participant_answers_alone_on_a_phone(phone, group, session):
    page = phone
    page.goto(f"{group.base}/mes-badges/{group.token}")
    page.get_by_role("link", name="Comment s’est passé l’atelier du 10 mars ?").click()
    # The new page must be there before it is measured: evaluating during the navigation finds no document.
    expect(page.get_by_role("heading", name="Comment s’est passé l’atelier du 10 mars ?")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []
    screenshot(page, "ressenti-telephone")
    # With the keyboard only: Tab to the pictograms, arrows to choose, Space to tick, Enter to send.
    page.get_by_label("Très bien").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Bien", exact=True)).to_be_checked()
    page.get_by_label("Je sais le faire.").first.focus()
    page.keyboard.press("Space")
    page.get_by_label("Vos mots (si vous voulez)").fill("J’ai envoyé mon premier e-mail")
    page.get_by_role("button", name="Envoyer ma réponse").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Merci. Votre réponse est enregistrée.")).to_be_visible()
    expect(page.get_by_label("Bien", exact=True)).to_be_checked()
    assert axe_violations(page) == []
    screenshot(page, "ressenti-telephone-merci")
    page.get_by_role("link", name="Retour à ma page").click()
    expect(page.get_by_text("Vous avez répondu. Vous pouvez changer votre réponse.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "ressenti-telephone-mes-badges")
