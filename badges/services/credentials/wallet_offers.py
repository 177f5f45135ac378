"""New wallet offers for an award, as its pages and its certificate show them (issue 15): the LCW's and
an OpenID4VCI one with its transaction code, made together with one lifetime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from badges.models import Credential
from badges.services.credentials import oid4vci, wallet_exchange
from badges.services.credentials.links import Links


@dataclass(frozen=True)
class NewOffers:
    """The LCW's links (QR code, phone, legacy link) and the OpenID4VCI offer (deep link, tx_code)."""

    lcw: wallet_exchange.OfferLinks
    oid4vci: oid4vci.NewOffer
    expires_at: datetime


def new_offers(
    session: Session, *, credential: Credential, links: Links, created_by: str, ttl: timedelta, now: datetime
) -> NewOffers:
    """Both single-use offers, valid for `ttl` (added and flushed, not committed); RuleError when the
    award cannot go to a wallet (revoked, erased, expired). `created_by`: wallet_exchange.HOLDER or STAFF."""
    offer, token = wallet_exchange.create_offer(
        session, credential=credential, created_by=created_by, ttl=ttl, now=now
    )
    found = wallet_exchange.offer_links(
        links, token=token, challenge=offer.challenge, issuer_id=links.issuer(credential.issuer.slug)
    )
    other = oid4vci.create_offer(
        session, credential=credential, links=links, now=now, ttl=ttl, with_tx_code=True
    )
    return NewOffers(lcw=found, oid4vci=other, expires_at=offer.expires_at)
