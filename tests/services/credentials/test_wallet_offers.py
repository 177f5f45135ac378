"""Both wallet offers of an award made together: the LCW's and OpenID4VCI's, one lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges.models import Oid4vciOffer, WalletOffer
from badges.services.credentials import revocation, wallet_exchange, wallet_offers
from badges.services.shared.errors import RuleError


def test_both_offers_are_made_with_one_lifetime(session, links, now, award):
    made = wallet_offers.new_offers(
        session,
        credential=award,
        links=links,
        created_by=wallet_exchange.STAFF,
        ttl=timedelta(days=2),
        now=now,
    )
    assert made.expires_at == now + timedelta(days=2) == made.oid4vci.expires_at
    assert made.lcw.lcw.startswith(wallet_exchange.LCW_LINK) and len(made.oid4vci.tx_code or "") == 6
    stored = session.scalars(select(WalletOffer)).one()
    assert stored.created_by == wallet_exchange.STAFF and stored.credential_id == award.id
    assert session.scalars(select(Oid4vciOffer)).one().credential_id == award.id


def test_a_revoked_award_gets_no_offer(session, keyring, links, now, award):
    revocation.revoke(session, keyring, credential=award, reason="erreur", links=links, now=now)
    with pytest.raises(RuleError):
        wallet_offers.new_offers(
            session, credential=award, links=links, created_by=wallet_exchange.HOLDER, ttl=timedelta(days=1),
            now=now,
        )  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Oid4vciOffer)) == 0
