"""The LCW exchange's service under concurrency: one offer gives one bound badge."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from badges.models import BoundCredential, WalletOffer
from badges.services.credentials import wallet_exchange
from tests.apps import writing_session
from tests.wallet_holder import Wallet


def test_two_wallets_racing_with_one_offer_get_one_bound_badge(app, session, keyring, links, now, award):
    """The second one waits for the first's claim to commit, then is refused as exchange_used."""
    offer, token = wallet_exchange.create_offer(
        session, credential=award, created_by=wallet_exchange.HOLDER, ttl=timedelta(days=1), now=now
    )
    domain = wallet_exchange.domain_of(links)
    presentations = [Wallet().present(challenge=offer.challenge, domain=domain) for _ in range(2)]
    session.commit()
    first, second = writing_session(app), writing_session(app)
    outcome: list[str] = []

    def racing() -> None:
        try:
            wallet_exchange.complete(
                second, token=token, presentation=presentations[1], keyring=keyring, links=links, now=now
            )
            second.commit()
            outcome.append("bound")
        except wallet_exchange.ExchangeError as exc:
            second.rollback()
            outcome.append(exc.code)

    try:
        wallet_exchange.complete(
            first, token=token, presentation=presentations[0], keyring=keyring, links=links, now=now
        )
        other = threading.Thread(target=racing)
        other.start()
        other.join(0.5)  # it waits on the first's claim of the offer (or write lock on SQLite)
        first.commit()
        other.join(30)
    finally:
        first.close()
        second.close()
    assert outcome == ["exchange_used"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(BoundCredential)) == 1
    assert session.scalars(select(WalletOffer)).one().bound_credential_id is not None
