"""Staff at the desk: 'Ajouter à mon portefeuille' on the award page shows a single-use wallet QR code."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from badges.models import Oid4vciOffer, WalletOffer
from badges.services.credentials import revocation
from tests.web.staff.conftest import post, text


def test_the_award_page_offers_the_wallet_and_shows_its_qr_code(staff, session, world):
    award = world.award.public_id
    page = text(staff.get(f"/staff/awards/{award}"))
    assert "Ajouter à mon portefeuille (QR code pour la personne)" in page
    response = post(staff, f"/staff/awards/{award}/wallet")
    assert response.status_code == 200
    body = html.unescape(response.get_data(as_text=True))
    assert re.search(r'data-wallet-link="https://lcw\.app/request\?request=', body)
    assert "Ces codes marchent une seule fois" in text(response)
    offer = session.scalars(select(WalletOffer)).one()
    assert offer.created_by == "staff" and offer.credential_id == world.award.id
    # Then, for other wallets, the OpenID4VCI offer and its transaction code (issue 15).
    assert "Autre application de portefeuille" in text(response)
    assert re.search(r'data-wallet-link="openid-credential-offer://\?credential_offer_uri=', body)
    assert re.search(r"data-tx-code><strong>\d{6}</strong>", body)
    assert session.scalars(select(Oid4vciOffer)).one().credential_id == world.award.id


def test_a_revoked_award_gets_no_wallet_offer(staff, session, keyring, links, now, world):
    revocation.revoke(session, keyring, credential=world.award, reason="Erreur", links=links, now=now)
    session.commit()
    response = post(staff, f"/staff/awards/{world.award.public_id}/wallet")
    assert response.status_code == 303
    assert session.scalars(select(WalletOffer)).first() is None
    assert session.scalars(select(Oid4vciOffer)).first() is None
