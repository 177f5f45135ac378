"""Receiving and checking a badge in Chromium: the certificate's QR code, the verification page's
verdicts (valid, revoked, tampered; upload and paste), the beneficiary's pages on a 360 px phone."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from badges.services.credentials import issuance, revocation, sharing
from badges.services.holders import private_link
from tests import pdf
from tests.browser.conftest import ARTIFACTS, axe_violations, screenshot
from tests.factories import make_award, make_badge_class

pytestmark = pytest.mark.browser


@pytest.fixture
def award(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    session.commit()
    return credential


def private_url(app, session, links, now, credential) -> str:
    token = private_link.private_token(
        session, beneficiary=credential.beneficiary, secret=app.config["LINK_SECRET"].encode(), now=now
    )
    session.commit()
    return private_link.page_url(links, token)


def verdict(page) -> str:
    return " ".join(page.locator("#verdict").inner_text().split())


def test_the_certificate_qr_code_opens_the_verification_result(app, page, session, links, now, award):
    url = private_url(app, session, links, now, award) + f"/{award.public_id}/certificat.pdf"
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    document = response.body()
    assert pdf.pages(document) == 1
    image = pdf.render_png(document, dpi=150)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "certificat-a4.png").write_bytes(image)
    # Four codes: the verification one above the cut line; below it, for the person only, their private
    # page's and the two wallet offers (issue 15: the LCW link, the OpenID4VCI offer), side by side.
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
    found, *below = sorted(codes, key=lambda c: c.position.top_left.y)
    private, lcw, other = sorted(below, key=lambda c: c.position.top_left.x)
    assert lcw.text.startswith("https://lcw.app/request?request=")
    assert other.text.startswith("openid-credential-offer://?credential_offer_uri=")
    assert all(c.position.top_left.y > found.position.bottom_left.y + 100 for c in below)
    code = sharing.claim_code(session, credential=award, now=now)
    assert found.text == f"{links.base}/verifier?code={code}"
    assert private.text == url.rsplit("/", 2)[0]
    page.goto(found.text)
    assert verdict(page) == f"Badge valide, délivré par {award.issuer.name} le 12 mars 2026."
    assert axe_violations(page) == []
    screenshot(page, "verifier-depuis-certificat")


def check_by_paste(page, links, text: str) -> str:
    page.goto(links.base + "/verifier")
    page.get_by_label("Collez le lien du badge").fill(text)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_selector("#verdict")
    return verdict(page)


def check_by_upload(page, links, path: Path) -> str:
    page.goto(links.base + "/verifier")
    page.get_by_label("Ou choisissez le fichier du badge").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    page.wait_for_selector("#verdict")
    return verdict(page)


def test_verdicts_for_a_valid_a_revoked_and_a_tampered_badge(
    page, session, keyring, links, now, award, tmp_path
):
    image = tmp_path / "badge.png"
    image.write_bytes(page.request.get(links.credential_page(award.public_id) + "/download/ob3.png").body())
    assert check_by_upload(page, links, image).startswith("Badge valide, délivré par")
    assert check_by_paste(page, links, links.credential_page(award.public_id)).startswith("Badge valide")
    assert axe_violations(page) == []
    screenshot(page, "verifier-valide")

    doc = json.loads(award.ob3_credential)
    doc["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    tampered = tmp_path / "badge-modifie.json"
    tampered.write_text(json.dumps(doc))
    expected = "Badge faux ou modifié : il n'est pas authentique."
    assert check_by_upload(page, links, tampered) == expected
    assert check_by_paste(page, links, json.dumps(doc)) == expected
    page.get_by_text("Détails techniques").click()
    expect(page.get_by_text("La signature ne correspond pas", exact=False).first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "verifier-modifie")

    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    revoked = "Badge plus valable : son émetteur l'a retiré le 12 mars 2026."
    assert check_by_upload(page, links, image) == revoked
    assert check_by_paste(page, links, links.credential_page(award.public_id)) == revoked
    screenshot(page, "verifier-revoque")


def test_the_verifier_form_works_on_a_phone_without_errors(phone, links):
    phone.goto(links.base + "/verifier")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Vérifier", exact=True).click()
    expect(
        phone.get_by_text("Collez un lien, un code ou un texte, ou choisissez un fichier.")
    ).to_be_visible()
    assert axe_violations(phone) == []
    screenshot(phone, "verifier-360px-erreur")


def fits(phone) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []


def test_the_beneficiary_page_works_on_a_360px_phone(app, phone, session, keyring, links, now, award):
    second = make_badge_class(
        session,
        award.issuer,
        now,
        name="Chercher une information",
        description="Je sais chercher une information sur Internet. Je choisis un site sûr.",
        competencies=["pix-crcn:1.1"],
    )
    issuance.award(session, keyring, badge_class=second, beneficiary=award.beneficiary, links=links, now=now)
    home = private_url(app, session, links, now, award)
    phone.goto(home)
    expect(phone.get_by_role("heading", name="Mes badges")).to_be_visible()
    expect(phone.get_by_text("Vous avez 2 badges.")).to_be_visible()
    fits(phone)
    screenshot(phone, "beneficiaire-mes-badges-360px")

    phone.get_by_role("link", name="Échanger par e-mail").click()
    expect(phone.get_by_text("Ce badge est public.")).to_be_visible()
    fits(phone)
    screenshot(phone, "beneficiaire-badge-360px")

    phone.get_by_label("Privé : seulement avec un lien que je donne.").check()
    phone.get_by_role("button", name="Enregistrer mon choix").click()
    expect(
        phone.get_by_role("heading", name="Attention : lisez avant de rendre ce badge privé")
    ).to_be_visible()
    phone.get_by_role("button", name="Oui, rendre ce badge privé").click()
    expect(phone.get_by_text("C'est enregistré.")).to_be_visible()
    expect(phone.get_by_text("Ce badge est privé.")).to_be_visible()
    assert phone.request.get(links.credential_page(award.public_id)).status == 404

    phone.get_by_label("Pour qui ? (pas obligatoire)").fill("Ma conseillère")
    phone.get_by_label("6 mois").check()
    phone.get_by_role("button", name="Créer le lien").click()
    expect(phone.get_by_text("Il marche jusqu'au 12 septembre 2026.")).to_be_visible()
    fits(phone)
    screenshot(phone, "beneficiaire-lien-cree-360px")
    shared = phone.get_by_label("Le lien à donner :").input_value()
    assert re.fullmatch(re.escape(links.base) + r"/partage/[A-Za-z0-9_-]{43}", shared)

    phone.goto(shared)
    expect(phone.get_by_text("Une personne vous montre son badge")).to_be_visible()
    fits(phone)
    screenshot(phone, "partage-360px")

    phone.goto(home + f"/{award.public_id}")
    phone.get_by_role("button", name="Arrêter ce lien").click()
    expect(phone.get_by_text("Le lien est arrêté. Il ne marche plus.")).to_be_visible()
    assert phone.request.get(shared).status == 410


def test_public_and_claimed_badge_pages_in_both_languages(page, session, links, now, award):
    page.goto(links.credential_page(award.public_id) + "?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="What this badge means")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "badge-public-anglais")
    page.get_by_role("link", name="Français").click()
    expect(page.get_by_role("heading", name="Ce que ce badge veut dire")).to_be_visible()
    code = sharing.format_code(sharing.claim_code(session, credential=award, now=now))
    session.commit()
    page.goto(f"{links.base}/code/{code}")
    expect(page.get_by_text("le code de son certificat")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "badge-par-code")
    page.goto(links.base + "/mes-badges/" + "x" * 43)
    expect(page.get_by_text("Demandez un nouveau lien au tiers-lieu")).to_be_visible()
    assert axe_violations(page) == []
