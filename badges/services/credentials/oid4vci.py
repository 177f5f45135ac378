"""OpenID4VCI 1.0 (final), pre-authorized code flow: offers, the token, nonce and credential endpoints.

A refusal raises ProtocolError before anything is written, so the caller's rollback leaves everything as
it was (the offer still unredeemed, the nonce still unused). The signing itself is the wallet core's
(`credentials.wallet.issue_bound_credential`): this module only checks who asks and with which key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Credential, Oid4vciAccessToken, Oid4vciIssued, Oid4vciNonce, Oid4vciOffer
from badges.services.credentials import oid4vci_metadata as meta
from badges.services.credentials.links import Links
from badges.services.credentials.wallet import check_can_bind, issue_bound_credential, token_hash
from badges.services.crypto import CryptoError, key_proof
from badges.services.crypto.keyring import Keyring
from badges.services.shared.errors import InvalidInput, RuleError

ACCESS_TOKEN_TTL = timedelta(minutes=10)
NONCE_TTL = timedelta(minutes=5)
_TX_CODE_ITERATIONS = 60_000
_MAX_FIELD_CHARS = 512


class ProtocolError(Exception):
    """An OAuth 2.0 / OpenID4VCI error response: `error` code, `description` and HTTP `status`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class NewOffer:
    """What the holder's page shows: the offer by reference, as a deep link / QR code, and the tx_code."""

    offer_uri: str
    deep_link: str
    tx_code: str | None
    expires_at: datetime


@dataclass(frozen=True)
class Grant:
    access_token: str
    expires_in: int


def _code_of(ref: str) -> str:
    # The pre-authorized code is derived from the offer reference, so only hashes of both are stored
    # and the offer document can still be served (§4.1.3) until the code is redeemed.
    return hashlib.sha256(b"oid4vci pre-authorized code:" + ref.encode("ascii")).hexdigest()


def _hash_tx_code(tx_code: str, salt: bytes) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", tx_code.encode("ascii"), salt, _TX_CODE_ITERATIONS)
    return f"{salt.hex()}${digest.hex()}"


def _tx_code_matches(tx_code: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return hmac.compare_digest(_hash_tx_code(tx_code, bytes.fromhex(salt)), stored)


def create_offer(
    session: Session,
    *,
    credential: Credential,
    links: Links,
    now: datetime,
    ttl: timedelta,
    with_tx_code: bool,
) -> NewOffer:
    """A single-use offer for this award, valid for `ttl`; RuleError if the award cannot go to a wallet."""
    check_can_bind(credential, now=now)
    # Expired offers go (their tokens with them, ON DELETE CASCADE): the tables stay small.
    session.execute(delete(Oid4vciOffer).where(Oid4vciOffer.expires_at <= now))
    ref = secrets.token_urlsafe(32)
    tx_code = (
        f"{secrets.randbelow(10**meta.TX_CODE_LENGTH):0{meta.TX_CODE_LENGTH}d}" if with_tx_code else None
    )
    offer = Oid4vciOffer(
        credential=credential,
        ref_hash=token_hash(ref),
        code_hash=token_hash(_code_of(ref)),
        tx_code_hash=_hash_tx_code(tx_code, secrets.token_bytes(16)) if tx_code else None,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(offer)
    session.flush()
    uri = meta.offer_uri(links, ref)
    return NewOffer(
        offer_uri=uri,
        deep_link=f"{meta.OFFER_SCHEME}?credential_offer_uri={quote(uri, safe='')}",
        tx_code=tx_code,
        expires_at=offer.expires_at,
    )


def offer_document(session: Session, *, ref: str, links: Links, now: datetime) -> dict[str, Any] | None:
    """The offer at its credential_offer_uri (§4.1.3); None once unknown, expired or redeemed."""
    if len(ref) > _MAX_FIELD_CHARS:
        return None
    offer = session.scalars(select(Oid4vciOffer).where(Oid4vciOffer.ref_hash == token_hash(ref))).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        return None
    return meta.offer_document(links, code=_code_of(ref), with_tx_code=offer.tx_code_hash is not None)


def exchange_code(session: Session, *, form: dict[str, str], now: datetime) -> Grant:
    """Token endpoint (§6): a pre-authorized code (and tx_code) for a short-lived Bearer access token."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise ProtocolError("invalid_request", "grant_type is required")
    if grant_type != meta.PRE_AUTHORIZED_GRANT:
        raise ProtocolError("unsupported_grant_type", "only the pre-authorized code grant is supported")
    code = form.get("pre-authorized_code")
    if not code or len(code) > _MAX_FIELD_CHARS:
        raise ProtocolError("invalid_request", "pre-authorized_code is required")
    offer = session.scalars(select(Oid4vciOffer).where(Oid4vciOffer.code_hash == token_hash(code))).first()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise ProtocolError("invalid_grant", "the pre-authorized code is unknown, used or expired")
    _check_tx_code(offer, form.get("tx_code"))
    try:
        check_can_bind(offer.credential, now=now)
    except RuleError as exc:
        raise ProtocolError("invalid_grant", "this badge can no longer be added to a wallet") from exc
    # Single use even under parallel requests: only the one UPDATE that still sees it unredeemed wins.
    won = session.execute(
        update(Oid4vciOffer)
        .where(Oid4vciOffer.id == offer.id, Oid4vciOffer.redeemed_at.is_(None))
        .values(redeemed_at=now)
        .returning(Oid4vciOffer.id)
    ).first()
    if won is None:
        raise ProtocolError("invalid_grant", "the pre-authorized code is unknown, used or expired")
    session.execute(delete(Oid4vciAccessToken).where(Oid4vciAccessToken.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(
        Oid4vciAccessToken(offer_id=offer.id, token_hash=token_hash(token), expires_at=now + ACCESS_TOKEN_TTL)
    )
    return Grant(access_token=token, expires_in=int(ACCESS_TOKEN_TTL.total_seconds()))


def _check_tx_code(offer: Oid4vciOffer, tx_code: str | None) -> None:
    """§6.3: a missing or unexpected tx_code is invalid_request; a wrong one invalid_grant."""
    if offer.tx_code_hash is None:
        if tx_code:
            raise ProtocolError("invalid_request", "this offer has no transaction code")
        return
    if not tx_code:
        raise ProtocolError("invalid_request", "tx_code is required for this offer")
    if len(tx_code) > 32 or not tx_code.isascii() or not _tx_code_matches(tx_code, offer.tx_code_hash):
        raise ProtocolError("invalid_grant", "the transaction code is wrong")


def new_nonce(session: Session, *, now: datetime) -> str:
    """Nonce endpoint (§7): a fresh c_nonce; spent ones and expired ones go."""
    session.execute(delete(Oid4vciNonce).where(Oid4vciNonce.expires_at <= now))
    value = secrets.token_urlsafe(32)
    session.add(Oid4vciNonce(value=value, expires_at=now + NONCE_TTL))
    return value


def bearer_token(session: Session, authorization: str | None, *, now: datetime) -> Oid4vciAccessToken:
    """The access token of an `Authorization: Bearer` header (RFC 6750 §2.1); invalid_token (401) else."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip() or len(value) > _MAX_FIELD_CHARS:
        raise ProtocolError("invalid_token", "a Bearer access token is required", 401)
    token = session.scalars(
        select(Oid4vciAccessToken).where(Oid4vciAccessToken.token_hash == token_hash(value.strip()))
    ).first()
    if token is None or token.expires_at <= now:
        raise ProtocolError("invalid_token", "the access token is unknown or expired", 401)
    return token


def issue_credential(
    session: Session, *, token: Oid4vciAccessToken, body: Any, keyring: Keyring, links: Links, now: datetime
) -> dict[str, Any]:
    """Credential endpoint (§8): the credential response for a request whose key proof holds."""
    fmt = _requested_format(body)
    proof = _verified_proof(body, audience=links.base, now=now)
    _claim_format(session, token, fmt)
    _spend_nonce(session, proof.nonce, now=now)
    try:
        bound = issue_bound_credential(
            session,
            credential=token.offer.credential,
            holder_did=proof.holder_did,
            fmt=fmt,
            keyring=keyring,
            links=links,
            now=now,
        )
    except InvalidInput as exc:
        # The proof's key was resolved, but the core takes no DID of that kind (an RSA did:jwk, say).
        raise ProtocolError("invalid_proof", "this kind of holder DID is not accepted") from exc
    except RuleError as exc:
        raise ProtocolError("credential_request_denied", "this badge can no longer be added") from exc
    document: Any = json.loads(bound.document) if fmt == "ldp_vc" else bound.document
    return {"credentials": [{"credential": document}]}


def _claim_format(session: Session, token: Oid4vciAccessToken, fmt: str) -> None:
    """One credential per format and token, even for two requests racing with one token: the second
    INSERT of the pair fails (on PostgreSQL it waits for the first to commit), in a savepoint so that the
    refusal is the protocol's own error and the caller's rollback still undoes everything."""
    try:
        with session.begin_nested():
            session.add(Oid4vciIssued(token_id=token.id, format=fmt))
    except IntegrityError as exc:
        raise ProtocolError(
            "credential_request_denied", "this access token already received that format"
        ) from exc


def _requested_format(body: Any) -> str:
    if not isinstance(body, dict):
        raise ProtocolError("invalid_credential_request", "the request body is a JSON object")
    if "credential_identifier" in body:
        # No token response carries authorization_details with identifiers (§6.2), so none exist.
        raise ProtocolError("unknown_credential_identifier", "credential identifiers are not issued here")
    configuration = body.get("credential_configuration_id")
    if not isinstance(configuration, str):
        raise ProtocolError("invalid_credential_request", "credential_configuration_id is required")
    if configuration not in meta.CONFIGURATIONS:
        raise ProtocolError(
            "unknown_credential_configuration", f"unknown configuration {configuration[:80]!r}"
        )
    return meta.CONFIGURATIONS[configuration]


def _verified_proof(body: dict[str, Any], *, audience: str, now: datetime) -> key_proof.KeyProof:
    """One jwt key proof, from `proofs` (1.0, §8.2) or the single `proof` of earlier drafts."""
    proofs, single = body.get("proofs"), body.get("proof")
    if proofs is not None and single is not None:
        raise ProtocolError("invalid_credential_request", "proof and proofs are mutually exclusive")
    if proofs is not None:
        jwts = proofs.get("jwt") if isinstance(proofs, dict) and len(proofs) == 1 else None
        if not isinstance(jwts, list) or len(jwts) != 1:
            # No batch issuance is announced (§12.2.4), so exactly one proof of type jwt.
            raise ProtocolError("invalid_proof", "proofs must hold exactly one proof of type jwt")
        token = jwts[0]
    elif isinstance(single, dict) and single.get("proof_type") == "jwt":
        token = single.get("jwt")
    else:
        raise ProtocolError("invalid_proof", "a key proof of type jwt is required")
    try:
        return key_proof.verify(token, audience=audience, now=now)
    except CryptoError as exc:
        raise ProtocolError("invalid_proof", str(exc)) from exc


def _spend_nonce(session: Session, value: str | None, *, now: datetime) -> None:
    """§8.3.1.2: a missing, unknown, spent or expired c_nonce is invalid_nonce (the wallet asks again).

    One DELETE both checks and spends it, so two requests racing with one nonce cannot both pass; a
    refusal later on rolls the deletion back with everything else.
    """
    spent = None
    if isinstance(value, str) and len(value) <= 64:
        spent = session.execute(
            delete(Oid4vciNonce)
            .where(Oid4vciNonce.value == value, Oid4vciNonce.expires_at > now)
            .returning(Oid4vciNonce.id)
        ).first()
    if spent is None:
        raise ProtocolError(
            "invalid_nonce", "the proof's nonce is not a live c_nonce from the nonce endpoint"
        )
