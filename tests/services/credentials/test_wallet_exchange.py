"""The LCW exchange's service under concurrency: one offer gives one bound badge."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from badges.models import BoundCredential, WalletOffer
from badges.services.credentials import wallet_exchange
from tests.apps import race_two_writers
from tests.wallet_holder import Wallet


def test_two_wallets_racing_with_one_offer_get_one_bound_badge(app, session, keyring, links, now, award):
    """The second one waits for the first's claim to commit, then is refused as exchange_used."""
    offer, token = wallet_exchange.create_offer(
        session, credential=award, created_by=wallet_exchange.HOLDER, ttl=timedelta(days=1), now=now
    )
    domain = wallet_exchange.domain_of(links)
    presentations = [Wallet().present(challenge=offer.challenge, domain=domain) for _ in range(2)]
    session.commit()

    def presenting(presentation: dict):
        return lambda db: wallet_exchange.complete(
            db, token=token, presentation=presentation, keyring=keyring, links=links, now=now
        )

    second = race_two_writers(
        app, presenting(presentations[0]), presenting(presentations[1]), refused=wallet_exchange.ExchangeError
    )
    assert isinstance(second, wallet_exchange.ExchangeError) and second.code == "exchange_used"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(BoundCredential)) == 1
    assert session.scalars(select(WalletOffer)).one().bound_credential_id is not None
