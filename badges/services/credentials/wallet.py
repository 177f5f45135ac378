"""Holder-bound credentials: an award signed again for a wallet, its subject the wallet's DID (issue 15).

Both wallet protocols (the LCW's VC-API exchange and OpenID4VCI) end here, once the holder has proved
control of the DID. The bound credential is the award's OB 3.0 credential with a new id, the DID as
`credentialSubject.id` and today's `validFrom`; it keeps the award's `credentialStatus` entry and
`validUntil`, so revocation, erasure and expiry of the award reach it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badges.models import BoundCredential, Credential, Issuer, SigningKey
from badges.models.base import new_public_id
from badges.models.wallet import BOUND_FORMATS, FORMAT_JWT_VC_JSON, FORMAT_LDP_VC
from badges.services.credentials import signing_keys
from badges.services.credentials.links import Links, credential_urn
from badges.services.crypto import CryptoError, dataintegrity, dids, jws
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges.common import isoformat
from badges.services.shared import throttling
from badges.services.shared.errors import InvalidInput, RuleError
from badges.services.shared.messages import N_, message

__all__ = ["BOUND_FORMATS", "FORMAT_JWT_VC_JSON", "FORMAT_LDP_VC", "issue_bound_credential"]

UNKNOWN_FORMAT = message("wallet.unknown_format", N_("Format inconnu : ldp_vc ou jwt_vc_json attendu."))
BAD_DID = message(
    "wallet.bad_did", N_("Identifiant de portefeuille non reconnu (did:key ou did:jwk attendu).")
)
AWARD_REVOKED = message("wallet.award_revoked", N_("Ce badge a été révoqué : il ne peut plus être ajouté."))
AWARD_ERASED = message("wallet.award_erased", N_("Ce badge a été effacé."))
AWARD_EXPIRED = message("wallet.award_expired", N_("Ce badge a expiré : il ne peut plus être ajouté."))


def token_hash(secret: str) -> str:
    """SHA-256 (hex) of a wallet offer's secret, which is all that is stored of it: the LCW exchange's
    token, and OpenID4VCI's offer reference, pre-authorized code and access token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def blocked(session: Session, *, ip: str, now: datetime) -> bool:
    """Too many refused wallet steps from this address lately: one budget for both protocols (LCW and
    OpenID4VCI), apart from the claim codes'."""
    return throttling.blocked(session, kind=throttling.WALLET, email=None, ip=ip, now=now)


def count_failure(session: Session, *, ip: str, now: datetime) -> None:
    """Record a refused wallet step against the address (the caller rolled its step back, commits this)."""
    throttling.record(session, kind=throttling.WALLET, email=None, ip=ip, now=now)


def check_holder_did(holder_did: Any) -> dids.HolderKey:
    """The holder's key (did:key Ed25519 or P-256, did:jwk); InvalidInput on the field `holder_did`."""
    try:
        return dids.resolve(holder_did)
    except CryptoError as exc:
        raise InvalidInput({"holder_did": BAD_DID}) from exc


def check_can_bind(credential: Credential, *, now: datetime) -> None:
    """A wallet receives only a badge that is neither erased, revoked nor expired (RuleError)."""
    if credential.erased_at is not None or credential.ob3_credential is None:
        raise RuleError(AWARD_ERASED)
    if credential.revoked_at is not None:
        raise RuleError(AWARD_REVOKED)
    if credential.valid_until is not None and credential.valid_until <= now:
        raise RuleError(AWARD_EXPIRED)


def issue_bound_credential(
    session: Session,
    *,
    credential: Credential,
    holder_did: str,
    fmt: str,
    keyring: Keyring,
    links: Links,
    now: datetime,
) -> BoundCredential:
    """Sign and store (added to the session, flushed, not committed) a fresh OB 3.0 credential for the award
    whose subject is `holder_did`. `fmt` "ldp_vc": eddsa-rdfc-2022 Data Integrity proof with the issuer's
    Ed25519 key in force; "jwt_vc_json": VC-JWT RS256 with its RSA key in force (as the award's VC-JWT)."""
    if fmt not in BOUND_FORMATS:
        raise InvalidInput({"format": UNKNOWN_FORMAT})
    check_holder_did(holder_did)
    check_can_bind(credential, now=now)
    public_id = new_public_id()
    signed_at = now.replace(microsecond=0)
    unsigned = bound_document(credential, holder_did=holder_did, credential_id=public_id, signed_at=signed_at)
    key, document = _sign(
        session, unsigned, fmt=fmt, issuer=credential.issuer, created=signed_at, keyring=keyring, links=links
    )
    bound = BoundCredential(
        public_id=public_id, credential=credential, holder_did=holder_did, format=fmt,
        document=document, issued_at=signed_at, signing_key=key,
    )  # fmt: skip
    session.add(bound)
    session.flush()
    return bound


def _sign(
    session: Session,
    unsigned: dict[str, Any],
    *,
    fmt: str,
    issuer: Issuer,
    created: datetime,
    keyring: Keyring,
    links: Links,
) -> tuple[SigningKey, str]:
    """The document signed in `fmt` with the issuer's key in force for that format, and the key."""
    if fmt == FORMAT_LDP_VC:
        key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.ED25519)
        signed = dataintegrity.sign(
            unsigned,
            sign_bytes=lambda data: keyring.sign(key.public_id, data),
            verification_method=links.ed25519_method(issuer.slug, key.public_id),
            created=created,
        )
        return key, json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.RSA)
    document = jws.sign_vc_jwt(
        unsigned,
        sign_bytes=lambda data: keyring.sign(key.public_id, data),
        kid=links.rsa_kid(issuer.slug, key.public_id),
    )
    return key, document


def bound_document(
    credential: Credential, *, holder_did: str, credential_id: str, signed_at: datetime
) -> dict[str, Any]:
    """The unsigned bound credential: the award's signed OB 3.0 content (frozen at issuance: same badge,
    same identifiers, same status entry, same validUntil) without its proof, re-identified and re-dated."""
    assert credential.ob3_credential is not None  # check_can_bind
    award: dict[str, Any] = json.loads(credential.ob3_credential)
    document = {name: value for name, value in award.items() if name != "proof"}
    document["id"] = credential_urn(credential_id)
    document["validFrom"] = isoformat(signed_at)
    document["credentialSubject"] = {**award["credentialSubject"], "id": holder_did}
    return document


def bound_payload(bound: BoundCredential) -> dict[str, Any] | str:
    """The bound credential as a wallet receives it: a JSON object (ldp_vc) or the compact JWS."""
    if bound.format == FORMAT_LDP_VC:
        parsed: dict[str, Any] = json.loads(bound.document)
        return parsed
    return bound.document
