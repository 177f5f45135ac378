"""The Learner Credential Wallet's VC-API exchange: an offer, a DID-Authentication request, the bound badge.

As the LCW implements it (app/lib/exchanges.ts; VC-API "Exchanges"): the wallet opens the interaction URL
(or the LCW link carrying `{"protocols": {"vcapi": …}}`), POSTs `{}` to the exchange and receives a
VerifiablePresentationRequest (query DIDAuthentication, challenge, domain); it POSTs back
`{"verifiablePresentation": …}` signed by its did:key for that challenge and domain, and receives the
bound credential inside a presentation. The legacy `dccrequest://` link posts the presentation itself and
receives the credential itself. An offer serves once, until it expires; a refused step changes nothing.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badges.models import BoundCredential, Credential, WalletOffer
from badges.models.wallet import FORMAT_LDP_VC
from badges.services.credentials import wallet
from badges.services.credentials.links import Links
from badges.services.crypto import CryptoError, presentations
from badges.services.crypto.keyring import Keyring
from badges.services.shared.errors import RuleError, ServiceError
from badges.services.shared.messages import N_, Message, message

HOLDER = "holder"
STAFF = "staff"
LCW_LINK = "https://lcw.app/request"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
# VC-API exchanges: the service a wallet posts its presentation to, named in the request's `interact`.
INTERACT_SERVICE = "UnmediatedPresentationService2021"

UNKNOWN = message("exchange.unknown", N_("Cette offre de portefeuille n'existe pas."))
EXPIRED = message("exchange.expired", N_("Cette offre de portefeuille a expiré : demandez-en une nouvelle."))
USED = message("exchange.used", N_("Cette offre de portefeuille a déjà servi : demandez-en une nouvelle."))
BAD_PRESENTATION = message(
    "exchange.bad_presentation", N_('Présentation attendue : {"verifiablePresentation": …}.')
)
BAD_CHALLENGE = message(
    "exchange.bad_challenge", N_("La preuve n'est pas faite pour le défi de cette offre.")
)
BAD_DOMAIN = message("exchange.bad_domain", N_("La preuve n'est pas faite pour le domaine de ce service."))
BAD_PROOF = message("exchange.bad_proof", N_("La preuve du portefeuille n'est pas valable : %(reason)s"))
UNAVAILABLE = message("exchange.unavailable", N_("Ce badge ne peut plus être ajouté : %(reason)s"))

# CryptoError codes of presentations.verify_did_auth -> the exchange's error codes.
_PROOF_ERRORS = {"wrong_challenge": "invalid_challenge", "wrong_domain": "invalid_domain",
                 "malformed_presentation": "invalid_presentation"}  # fmt: skip


class ExchangeError(ServiceError):
    """A refused exchange step; `code` is the protocol error (unknown_exchange, exchange_expired,
    exchange_used, invalid_presentation, invalid_challenge, invalid_domain, invalid_proof,
    credential_unavailable). Nothing was changed."""

    def __init__(self, code: str, said: Message) -> None:
        super().__init__(said)
        self.code = code


@dataclass(frozen=True)
class OfferLinks:
    """Where a wallet starts: the interaction URL (VC-API, `?iuv=1`), the exchange itself, the LCW
    universal link (QR code, phone) and the legacy `dccrequest://` link."""

    interaction: str
    vcapi: str
    lcw: str
    dcc: str


def create_offer(
    session: Session, *, credential: Credential, created_by: str, ttl: timedelta, now: datetime
) -> tuple[WalletOffer, str]:
    """A new single-use offer for the award, and its secret token (only its hash is stored)."""
    wallet.check_can_bind(credential, now=now)
    token = secrets.token_urlsafe(32)
    offer = WalletOffer(
        credential=credential, token_hash=wallet.token_hash(token), challenge=secrets.token_urlsafe(24),
        created_by=created_by, created_at=now, expires_at=now + ttl,
    )  # fmt: skip
    session.add(offer)
    session.flush()
    return offer, token


def domain_of(links: Links) -> str:
    """The domain a wallet's proof names: this service's host (Data Integrity §2.1 `domain`)."""
    return urlsplit(links.base).netloc


def offer_links(links: Links, *, token: str, challenge: str, issuer_id: str) -> OfferLinks:
    exchange = f"{links.base}/wallet/exchanges/{token}"
    vcapi = f"{exchange}/vcapi"
    # Only the protocols (the LCW reads `protocols.vcapi`): a short link makes a QR code easy to scan.
    request = json.dumps({"protocols": {"vcapi": vcapi}}, separators=(",", ":"))
    dcc_query = urlencode(
        {"issuer": issuer_id, "vc_request_url": f"{exchange}/dcc", "challenge": challenge,
         "auth_type": "bearer"}, quote_via=quote,
    )  # fmt: skip
    return OfferLinks(
        interaction=f"{exchange}?iuv=1",
        vcapi=vcapi,
        lcw=f"{LCW_LINK}?request={quote(request, safe='')}",
        dcc=f"dccrequest://request?{dcc_query}",
    )


def open_offer(session: Session, *, token: str, now: datetime) -> WalletOffer:
    """The offer behind a token, still usable; ExchangeError otherwise."""
    offer = session.scalars(
        select(WalletOffer).where(WalletOffer.token_hash == wallet.token_hash(token))
    ).first()
    if offer is None:
        raise ExchangeError("unknown_exchange", UNKNOWN)
    if offer.used_at is not None:
        raise ExchangeError("exchange_used", USED)
    if offer.expires_at <= now:
        raise ExchangeError("exchange_expired", EXPIRED)
    try:
        wallet.check_can_bind(offer.credential, now=now)
    except RuleError as exc:
        raise _unavailable(exc) from exc
    return offer


def _unavailable(exc: RuleError) -> ExchangeError:
    return ExchangeError("credential_unavailable", UNAVAILABLE(reason=exc.said))


def presentation_request(offer: WalletOffer, *, links: Links, token: str) -> dict[str, Any]:
    """The VerifiablePresentationRequest: prove control of a DID for this challenge and domain."""
    return {
        "query": [
            {
                "type": "DIDAuthentication",
                "acceptedMethods": [{"method": "key"}, {"method": "jwk"}],
                "acceptedCryptosuites": [
                    {"cryptosuite": presentations.ED25519_2020},
                    {"cryptosuite": presentations.EDDSA_RDFC_2022},
                ],
            }
        ],
        "challenge": offer.challenge,
        "domain": domain_of(links),
        "interact": {
            "service": [
                {"type": INTERACT_SERVICE, "serviceEndpoint": f"{links.base}/wallet/exchanges/{token}/vcapi"}
            ]
        },
    }


def complete(
    session: Session,
    *,
    token: str,
    presentation: Any,
    keyring: Keyring,
    links: Links,
    now: datetime,
    legacy: bool = False,
) -> BoundCredential:
    """Check the wallet's DID-Authentication presentation, use the offer up, sign the bound credential.
    `legacy`: the `dccrequest://` flow, whose wallets sign the challenge without a domain."""
    offer = open_offer(session, token=token, now=now)
    try:
        holder = presentations.verify_did_auth(
            presentation, challenge=offer.challenge, domain=domain_of(links), domain_optional=legacy
        )
    except CryptoError as exc:
        raise _proof_error(exc) from exc
    # Used once, even by two wallets racing with the same presentation: the update wins or it does not.
    claimed = session.execute(
        update(WalletOffer)
        .where(WalletOffer.id == offer.id, WalletOffer.used_at.is_(None))
        .values(used_at=now)
        .returning(WalletOffer.id)
    ).first()
    if claimed is None:
        raise ExchangeError("exchange_used", USED)
    try:
        bound = wallet.issue_bound_credential(
            session, credential=offer.credential, holder_did=holder.did, fmt=FORMAT_LDP_VC,
            keyring=keyring, links=links, now=now,
        )  # fmt: skip
    except RuleError as exc:
        # No key left to sign with (all compromised), say: the wallet reads a protocol error, not a page.
        raise _unavailable(exc) from exc
    offer.bound_credential_id = bound.id
    return bound


def _proof_error(exc: CryptoError) -> ExchangeError:
    code = _PROOF_ERRORS.get(exc.code, "invalid_proof")
    if code == "invalid_challenge":
        return ExchangeError(code, BAD_CHALLENGE)
    if code == "invalid_domain":
        return ExchangeError(code, BAD_DOMAIN)
    if code == "invalid_presentation":
        return ExchangeError(code, BAD_PRESENTATION)
    return ExchangeError(code, BAD_PROOF(reason=str(exc)))


def presentation_with(bound: BoundCredential) -> dict[str, Any]:
    """The answer's presentation holding the bound credential (VC-API: unsigned, from the issuer)."""
    return {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [wallet.bound_payload(bound)],
    }


# Refusals that look like guessing (an unknown offer, a forged proof) count against the address, as unknown
# claim codes do; an offer simply used or expired does not.
COUNTED = frozenset({"unknown_exchange", "invalid_presentation", "invalid_challenge", "invalid_domain",
                     "invalid_proof"})  # fmt: skip


def count_refusal(session: Session, error: ExchangeError, *, ip: str, now: datetime) -> None:
    """Record a refused step against the address (the caller rolled back the step, then commits this)."""
    if error.code in COUNTED:
        wallet.count_failure(session, ip=ip, now=now)
