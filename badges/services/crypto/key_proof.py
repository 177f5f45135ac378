"""OpenID4VCI 1.0 key proofs of type jwt (Appendix F.1): the holder shows it controls a did:key or did:jwk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from badges.services.crypto import CryptoError, dids, jws
from badges.services.crypto.keyring import public_key_from_jwk

PROOF_TYP = "openid4vci-proof+jwt"
# What the issuer metadata announces in proof_signing_alg_values_supported: the two key types of
# did:key / did:jwk wallets (Ed25519, P-256). Never "none", never a MAC (F.1: "MUST NOT be none").
PROOF_ALGORITHMS = ("EdDSA", "ES256")
# F.1: iat is required; the issuer decides how old a proof may be. A proof is made just before the request.
MAX_AGE = timedelta(minutes=10)
CLOCK_SKEW = timedelta(minutes=2)
_MAX_PROOF_CHARS = 8192


@dataclass(frozen=True)
class KeyProof:
    """A verified proof: the holder's DID (the subject of the credential) and the nonce it carried."""

    holder_did: str
    nonce: str | None


def verify(token: Any, *, audience: str, now: datetime) -> KeyProof:
    """Check a jwt key proof's header, signature, aud and iat; the caller checks the nonce.

    CryptoError("invalid_proof") for anything wrong: the header (typ, alg, exactly one of kid / jwk),
    a kid that is not a did:key / did:jwk DID URL, the signature, aud other than the credential issuer,
    a missing or out-of-range iat.
    """
    if not isinstance(token, str) or len(token) > _MAX_PROOF_CHARS:
        raise CryptoError("invalid_proof", "a jwt proof is a compact JWS string")
    try:
        header, payload = jws.unverified_parts(token)
        holder = _holder(header)
        jws.verify_compact(
            token, resolve_key=lambda _h: holder[1], algorithms=PROOF_ALGORITHMS, decoded=(header, payload)
        )
    except CryptoError as exc:
        raise CryptoError("invalid_proof", str(exc)) from exc
    _check_claims(payload, audience=audience, now=now)
    nonce = payload.get("nonce")
    return KeyProof(holder_did=holder[0], nonce=nonce if isinstance(nonce, str) else None)


def _holder(header: dict[str, Any]) -> tuple[str, Any]:
    """(holder DID, public key) named by the header: a DID URL in kid, or a jwk turned into did:jwk."""
    if header.get("typ") != PROOF_TYP:
        raise CryptoError("invalid_proof", f"typ must be {PROOF_TYP!r} (F.1)")
    if "x5c" in header or "trust_chain" in header:
        raise CryptoError("invalid_proof", "only kid (a DID URL) or jwk name the key here")
    if ("kid" in header) == ("jwk" in header):
        raise CryptoError("invalid_proof", "exactly one of kid and jwk (F.1)")
    if "jwk" in header:
        key = public_key_from_jwk(header["jwk"])
        return dids.did_jwk(header["jwk"]), key
    kid = header["kid"]
    if not isinstance(kid, str) or "#" not in kid:
        raise CryptoError("invalid_proof", "kid must be a DID URL naming one key (F.1)")
    holder = dids.resolve(kid.split("#", 1)[0])
    if not holder.names_method(kid):
        raise CryptoError("invalid_proof", "kid does not name the DID's key")
    return holder.did, holder.public_key


def _check_claims(payload: dict[str, Any], *, audience: str, now: datetime) -> None:
    aud = payload.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise CryptoError("invalid_proof", "aud must be the credential issuer identifier (F.1)")
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise CryptoError("invalid_proof", "iat is required (F.1)")
    moment = now.timestamp()
    if iat > moment + CLOCK_SKEW.total_seconds() or iat < moment - MAX_AGE.total_seconds():
        raise CryptoError("invalid_proof", "iat is too old or in the future")
