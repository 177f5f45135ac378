"""The verifier's four verdicts and the make-private warning in Chromium (issue 13), at 360, 768 and
1,280 px: axe-core on every page, screenshots saved, nothing wider than the screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from badges.services.credentials import revocation, sharing
from badges.services.holders import private_link
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import make_award

pytestmark = pytest.mark.browser
WIDTHS = (360, 768, 1280)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def screen(request, browser) -> Iterator[Any]:
    width = request.param
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900},
                                  is_mobile=width < 768, has_touch=width < 768)  # fmt: skip
    opened = context.new_page()
    opened.width = width
    yield opened
    context.close()


@pytest.fixture
def award(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    session.commit()
    return credential


def check(page, links, text: str) -> str:
    page.goto(links.base + "/verifier")
    page.get_by_label("Collez le lien du badge").fill(text)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_selector("#verdict")
    return " ".join(page.locator("#verdict").inner_text().split())


def judged(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width
    assert axe_violations(page) == []
    screenshot(page, f"{name}-{page.width}px")


def test_the_four_verdicts(screen, session, keyring, links, now, award):
    assert check(screen, links, award.ob3_credential).startswith("Badge valide, délivré par")
    judged(screen, "verdict-valide")

    doc = json.loads(award.ob3_credential)
    doc["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    assert check(screen, links, json.dumps(doc)) == "Badge faux ou modifié : il n'est pas authentique."
    expect(screen.get_by_text("Ne croyez pas ce que ce badge affiche", exact=False)).to_be_visible()
    judged(screen, "verdict-faux")

    # A mistyped code and a private badge's link: cannot be checked, never "not authentic".
    assert check(screen, links, "ABCD-EFGH-JKMN") == "Ce badge n'a pas pu être vérifié."
    expect(screen.get_by_text("Vérifiez le code", exact=False)).to_be_visible()
    expect(screen.get_by_text("pas authentique", exact=False)).to_have_count(0)
    judged(screen, "verdict-code-inconnu")
    sharing.set_private(session, credential=award, value="private", now=now)
    session.commit()
    assert check(screen, links, links.credential_page(award.public_id)) == "Ce badge n'a pas pu être vérifié."
    expect(screen.get_by_text("Demandez à la personne un lien de partage", exact=False)).to_be_visible()
    expect(screen.get_by_text("pas authentique", exact=False)).to_have_count(0)
    judged(screen, "verdict-prive")

    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    assert check(screen, links, award.ob3_credential) == (
        "Badge plus valable : son émetteur l'a retiré le 12 mars 2026."
    )
    expect(screen.get_by_text("Raison donnée par l'émetteur : Erreur de saisie")).to_be_visible()
    judged(screen, "verdict-revoque")


def test_the_holder_is_warned_before_making_a_badge_private(app, screen, session, links, now, award):
    token = private_link.private_token(
        session, beneficiary=award.beneficiary, secret=app.config["SECRET_KEY"].encode(), now=now
    )
    session.commit()
    screen.goto(private_link.page_url(links, token) + f"/{award.public_id}")
    expect(
        screen.get_by_text("Attention : les fichiers « Open Badges 2.0 » déjà téléchargés")
    ).to_be_visible()
    screen.get_by_label("Privé : seulement avec un lien que je donne.").check()
    screen.get_by_role("button", name="Enregistrer mon choix").click()
    expect(
        screen.get_by_role("heading", name="Attention : lisez avant de rendre ce badge privé")
    ).to_be_visible()
    assert not sharing.is_private(session, award)
    judged(screen, "avant-prive")
    screen.get_by_role("link", name="Donner plutôt un lien de partage").click()
    expect(screen.get_by_role("button", name="Créer le lien")).to_be_in_viewport()
    screen.get_by_role("button", name="Oui, rendre ce badge privé").click()
    expect(screen.get_by_text("C'est enregistré.")).to_be_visible()
    expect(screen.get_by_text("Ce badge est privé.")).to_be_visible()
