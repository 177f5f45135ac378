"""The printable certificate: one page, plain words, the holder's name, tiers-lieu, date, QR code and claim
code, and below a cut line a second QR code to the holder's private page."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from badges.models import Oid4vciOffer, WalletOffer
from badges.services.credentials import revocation, sharing
from badges.services.holders import certificate, delivery, private_link
from badges.services.shared.errors import NotFound, RuleError
from tests import pdf
from tests.factories import make_award

SECRET = b"link-secret-for-tests"


def render(session, links, now, credential) -> tuple[dict, bytes]:
    data = certificate.certificate_data(session, links, credential, now, secret=SECRET)
    return data, certificate.render(data)


def test_one_page_with_the_badge_the_place_the_date_and_the_code(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    data, document = render(session, links, now, credential)
    assert document.startswith(b"%PDF") and pdf.pages(document) == 1
    text = pdf.text(document)
    code = sharing.claim_code(session, credential=credential, now=now)
    for expected in (
        "Échanger par e-mail",
        credential.issuer.name,
        "12 mars 2026",
        "Je sais envoyer un e-mail",
        "Interagir",
        sharing.format_code(code),
        f"{links.base}/verifier",
        credential.public_id,
    ):
        assert expected in text, expected
    assert data["qr_url"] == f"{links.base}/verifier?code={code}"
    assert "intermediaire" not in text.lower()


@pytest.mark.parametrize("shown", [False, True])
def test_the_certificate_names_its_holder_whatever_the_public_choice(session, keyring, links, now, shown):
    """It is handed to the person, never published: an employer must tell whose it is."""
    credential = make_award(session, keyring, links, now, show_name_in_badges=shown)
    assert "Délivré à : Awa" in pdf.text(render(session, links, now, credential)[1])
    # The signed credential and the public page still follow the person's choice.
    subject = json.loads(credential.ob3_credential)["credentialSubject"]
    assert ("Awa" in json.dumps(subject)) is shown


def test_both_qr_codes_decode_the_check_one_and_the_private_one_below_a_cut_line(
    session, keyring, links, now
):
    credential = make_award(session, keyring, links, now)
    data, document = render(session, links, now, credential)
    image = Image.open(io.BytesIO(pdf.render_png(document, dpi=150)))
    found = sorted(zxingcpp.read_barcodes(image), key=lambda code: code.position.top_left.y)
    token = private_link.private_token(session, beneficiary=credential.beneficiary, secret=SECRET, now=now)
    code = sharing.claim_code(session, credential=credential, now=now)
    # Top to bottom: the verification code first, then the private page's, apart from it.
    assert [f.text for f in found] == [
        f"{links.base}/verifier?code={code}",
        f"{links.base}/mes-badges/{token}",
    ]
    assert found[1].position.top_left.y - found[0].position.bottom_left.y > 100
    text = pdf.text(document)
    for expected in ("Découpez ici. Le bas est pour vous.", "Mes badges", "Vérifier ce badge",
                     "Ces codes sont pour vous seulement.", "Ne les donnez pas à un employeur."):  # fmt: skip
        assert expected in text, expected
    assert text.index("Vérifier ce badge") < text.index("Découpez ici") < text.index("Mes badges")


def test_printing_again_keeps_the_private_link_and_renewing_changes_it(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    first = render(session, links, now, credential)[0]["private_url"]
    assert render(session, links, now, credential)[0]["private_url"] == first
    private_link.renew(session, beneficiary=credential.beneficiary, secret=SECRET, now=now)
    assert render(session, links, now, credential)[0]["private_url"] != first


def test_a_long_badge_still_fits_on_one_page(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    data = certificate.certificate_data(session, links, credential, now, secret=SECRET)
    data["meaning"] = ["Je sais faire une chose assez longue à décrire en une ligne."] * 40
    assert pdf.pages(certificate.render(data)) == 1


def test_revoked_and_erased_badges_have_no_certificate(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    with pytest.raises(RuleError):
        certificate.certificate_data(session, links, credential, now, secret=SECRET)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    with pytest.raises(NotFound):
        certificate.certificate_data(session, links, credential, now, secret=SECRET)


def test_the_wallet_codes_sit_in_the_person_s_part_below_the_cut_line(session, keyring, links, now, tmp_path):
    """Issue 15: a wallet offer binds the badge to whichever wallet scans it first, so each print's new
    single-use offers (LCW, OpenID4VCI and its transaction code) sit below the cut line, with the private
    page's code; above it, for an employer, only the verification code."""
    credential = make_award(session, keyring, links, now)
    data = certificate.certificate_data(
        session, links, credential, now, secret=SECRET, wallet_ttl=timedelta(days=7)
    )
    document = certificate.render(data)
    assert pdf.pages(document) == 1
    png = pdf.render_png(document)
    (tmp_path / "certificate.png").write_bytes(png)
    image = Image.open(io.BytesIO(png))
    found = {code.text: code.position for code in zxingcpp.read_barcodes(image)}
    assert len(found) == 4, list(found)
    assert data["oid4vci_url"].startswith("openid-credential-offer://?credential_offer_uri=")
    # The cut line, in pixels from the top of the rendered page.
    cut = image.height * (1 - certificate.CUT / certificate.HEIGHT)
    check = next(position for text, position in found.items() if "/verifier?code=" in text)
    assert check.bottom_left.y < cut
    person = [found[data["private_url"]], found[data["wallet_url"]], found[data["oid4vci_url"]]]
    assert all(position.top_left.y > cut for position in person)
    # Side by side: the private page, the LCW, the other wallets.
    assert person[0].top_right.x < person[1].top_left.x and person[1].top_right.x < person[2].top_left.x
    vcapi = json.loads(parse_qs(urlsplit(data["wallet_url"]).query)["request"][0])["protocols"]["vcapi"]
    assert vcapi.startswith(f"{links.base}/wallet/exchanges/")
    text = " ".join(pdf.text(document, raw=True).split())
    above, _, below = text.partition("Découpez ici")
    assert "Avec votre téléphone, gardez ce badge dans votre portefeuille." in below
    assert len(data["tx_code"]) == 6 and data["tx_code"] in below and data["tx_code"] not in above
    assert "portefeuille" not in above.lower()
    assert "jusqu'au 19 mars 2026" in below
    assert session.query(WalletOffer).filter_by(credential_id=credential.id).count() == 1
    assert session.query(Oid4vciOffer).filter_by(credential_id=credential.id).count() == 1


def test_the_person_s_part_speaks_english_too(app, session, keyring, links, now):
    from flask_babel import gettext, refresh

    credential = make_award(session, keyring, links, now)
    data = certificate.certificate_data(
        session, links, credential, now, secret=SECRET, language="en", wallet_ttl=timedelta(days=7)
    )
    with app.test_request_context("/?lang=en"):
        refresh()
        text = " ".join(pdf.text(certificate.render(data, gettext), raw=True).split())
    assert "With your phone, keep this badge in your wallet." in text and data["tx_code"] in text
    assert "These codes are for you only. Do not give them to an employer." in text
    assert "The wallet codes work only once, until March 19, 2026." in text


def test_the_e_mailed_certificate_carries_the_wallet_code_too(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    email = delivery.award_email(
        session, links, credential, secret=SECRET, now=now, wallet_ttl=timedelta(days=7)
    )
    (attachment,) = email.attachments
    text = " ".join(pdf.text(attachment.data, raw=True).split())
    assert "Avec votre téléphone, gardez ce badge dans votre portefeuille." in text
    assert session.query(WalletOffer).filter_by(credential_id=credential.id).count() == 1
