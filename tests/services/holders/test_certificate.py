"""The printable certificate: one page, plain words, tiers-lieu, date, QR code and claim code."""

from __future__ import annotations

import pytest

from badges.services.credentials import revocation, sharing
from badges.services.holders import certificate
from badges.services.shared.errors import NotFound, RuleError
from tests import pdf
from tests.factories import make_award


def render(session, links, now, credential) -> tuple[dict, bytes]:
    data = certificate.certificate_data(session, links, credential, now)
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
    assert "intermediaire" not in text.lower() and "Awa" not in text


def test_the_name_is_printed_only_if_the_person_chose_it(session, keyring, links, now):
    credential = make_award(session, keyring, links, now, show_name_in_badges=True)
    assert "Délivré à : Awa" in pdf.text(render(session, links, now, credential)[1])


def test_a_long_badge_still_fits_on_one_page(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    data = certificate.certificate_data(session, links, credential, now)
    data["meaning"] = ["Je sais faire une chose assez longue à décrire en une ligne."] * 40
    assert pdf.pages(certificate.render(data)) == 1


def test_revoked_and_erased_badges_have_no_certificate(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    revocation.revoke(session, keyring, credential=credential, reason="Erreur", links=links, now=now)
    with pytest.raises(RuleError):
        certificate.certificate_data(session, links, credential, now)
    revocation.erase(session, keyring, credential=credential, links=links, now=now)
    with pytest.raises(NotFound):
        certificate.certificate_data(session, links, credential, now)
