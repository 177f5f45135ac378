"""Holder DIDs a wallet proves: did:key (Ed25519, P-256) and did:jwk, resolved offline to a public key."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.services.crypto import CryptoError
from badges.services.crypto.keyring import PublicKey, public_key_from_jwk
from badges.services.crypto.multibase import b58decode

# did:key (W3C CCG did:key v0.7 §3.1.3): "z" + base58btc(multicodec varint + key). 0xed01 is an
# Ed25519 public key (32 bytes), 0x8024 a P-256 public key, compressed (33 bytes).
_ED25519_CODEC = b"\xed\x01"
_P256_CODEC = b"\x80\x24"
_MAX_DID_CHARS = 2048
_DID_KEY = re.compile(r"did:key:(z[1-9A-HJ-NP-Za-km-z]{40,60})")
_DID_JWK = re.compile(r"did:jwk:([A-Za-z0-9_-]{20,2000})")
# The members of a public JWK (RFC 7517, 7518 §6, 8037): what a did:jwk holds.
_JWK_PUBLIC = ("kty", "crv", "x", "y", "n", "e")


@dataclass(frozen=True)
class HolderKey:
    """A DID's one key. `method_id` is its verification method's id in the DID document (did:key: the DID
    and the multibase value as fragment; did:jwk: "#0"); the same key serves authentication and
    assertionMethod there, so a DID-Auth proof or an OpenID4VCI key proof names this method."""

    did: str
    method_id: str
    public_key: PublicKey

    def names_method(self, method: Any) -> bool:
        """True when `method` is this key's method, absolute or as the relative "#fragment"."""
        if not isinstance(method, str):
            return False
        fragment = self.method_id[len(self.did) :]
        return method in (self.method_id, fragment)


def resolve(did: Any) -> HolderKey:
    """The key of a did:key or did:jwk; CryptoError("unknown_key") for anything else."""
    if not isinstance(did, str) or len(did) > _MAX_DID_CHARS:
        raise CryptoError("unknown_key", "a DID is a string of at most 2048 characters")
    if (match := _DID_KEY.fullmatch(did)) is not None:
        return _did_key(did, match.group(1))
    if (match := _DID_JWK.fullmatch(did)) is not None:
        return _did_jwk(did, match.group(1))
    raise CryptoError("unknown_key", "only did:key and did:jwk holder DIDs are accepted")


def _did_key(did: str, multibase: str) -> HolderKey:
    try:
        decoded = b58decode(multibase[1:])
    except ValueError as exc:
        raise CryptoError("unknown_key", "did:key is not base58btc") from exc
    codec, raw = decoded[:2], decoded[2:]
    key: PublicKey
    if codec == _ED25519_CODEC and len(raw) == 32:
        key = Ed25519PublicKey.from_public_bytes(raw)
    elif codec == _P256_CODEC and len(raw) == 33:
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError as exc:
            raise CryptoError("unknown_key", "did:key is not a P-256 point") from exc
    else:
        raise CryptoError("unknown_key", "did:key must hold an Ed25519 or P-256 public key")
    return HolderKey(did=did, method_id=f"{did}#{multibase}", public_key=key)


def _did_jwk(did: str, encoded: str) -> HolderKey:
    # did:jwk §2: the method-specific id is base64url(UTF-8 JSON of a public JWK), the method "#0".
    try:
        jwk = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, UnicodeError) as exc:
        raise CryptoError("unknown_key", "did:jwk is not base64url JSON") from exc
    return HolderKey(did=did, method_id=f"{did}#0", public_key=public_key_from_jwk(jwk))


def did_jwk(jwk: dict[str, Any]) -> str:
    """did:jwk of a public JWK (did:jwk §2), its public members sorted so that one key gives one DID."""
    public = {name: jwk[name] for name in sorted(jwk) if name in _JWK_PUBLIC}
    text = json.dumps(public, separators=(",", ":"))
    return "did:jwk:" + base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")
