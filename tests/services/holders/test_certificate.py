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

from badges.models import WalletOffer
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
    for expected in ("Découpez ici. Le bas est pour vous.", "Mes badges", "Ce code est pour vous seulement.",
                     "Ne donnez pas ce code à un employeur.", "Vérifier ce badge"):  # fmt: skip
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


def test_a_wallet_qr_code_sits_next_to_the_verification_one(session, keyring, links, now):
    """Issue 15: each print carries a new single-use wallet offer, its QR code beside the check box."""
    credential = make_award(session, keyring, links, now)
    data = certificate.certificate_data(
        session, links, credential, now, secret=SECRET, wallet_ttl=timedelta(days=7)
    )
    document = certificate.render(data)
    assert pdf.pages(document) == 1
    image = Image.open(io.BytesIO(pdf.render_png(document)))
    found = {code.text: code.position for code in zxingcpp.read_barcodes(image)}
    assert len(found) == 3 and data["wallet_url"] in found, list(found)
    check = next(position for text, position in found.items() if "/verifier?code=" in text)
    wallet = found[data["wallet_url"]]
    # Same height as the verification code, to its right.
    assert abs(wallet.top_left.y - check.top_left.y) < 60 and wallet.top_left.x > check.top_right.x
    vcapi = json.loads(parse_qs(urlsplit(data["wallet_url"]).query)["request"][0])["protocols"]["vcapi"]
    assert vcapi.startswith(f"{links.base}/wallet/exchanges/")
    text = " ".join(pdf.text(document).split())
    assert "Avec votre téléphone, gardez ce badge dans votre portefeuille." in text
    assert session.query(WalletOffer).filter_by(credential_id=credential.id).count() == 1


def test_the_e_mailed_certificate_carries_the_wallet_code_too(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    email = delivery.award_email(
        session, links, credential, secret=SECRET, now=now, wallet_ttl=timedelta(days=7)
    )
    (attachment,) = email.attachments
    text = " ".join(pdf.text(attachment.data).split())
    assert "Avec votre téléphone, gardez ce badge dans votre portefeuille." in text
    assert session.query(WalletOffer).filter_by(credential_id=credential.id).count() == 1
