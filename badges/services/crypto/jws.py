"""Compact JWS: OB 2.0 signed assertions and OB 3.0 VC-JWT credentials.

See docs/standards.md#S-ob2-signed and docs/standards.md#S-vc-jwt.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from badges.services.crypto import CryptoError
from badges.services.crypto.keyring import PublicKey, PublicKeyInfo, public_key_from_jwk

MIN_RSA_BITS = 2048
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
KeyResolver = Callable[[dict[str, Any]], PublicKeyInfo | PublicKey]

# HS* can never be enabled: an HMAC "secret" could be the published public key (algorithm confusion).
# Each algorithm is tied to one key type, so a key is never used with an algorithm it was not made for.
_KEY_TYPES: dict[str, type] = {
    "RS256": rsa.RSAPublicKey,
    "ES256": ec.EllipticCurvePublicKey,
    "EdDSA": Ed25519PublicKey,
}
# OB 3.0 §8.2: "Additional JOSE Headers are NOT allowed"; 1EdTech accepts RS256 and ES256 only
# (docs/standards.md#S-vc-jwt).
VC_JWT_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
VC_JWT_ALGORITHMS = ("RS256", "ES256")
# JWT registered claims that OB 3.0 adds to the credential (docs/standards.md#S-vc-jwt).
REGISTERED_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")


def sign_compact(
    payload: dict[str, Any], *, sign_bytes: Callable[[bytes], bytes], headers: dict[str, Any]
) -> str:
    """Compact JWS, RS256, signed by ``sign_bytes`` so that private keys stay inside the Keyring."""
    if headers.get("alg", "RS256") != "RS256":
        raise ValueError("only RS256 tokens are issued")
    header = {"alg": "RS256", **headers}
    signing_input = f"{_b64_json(header)}.{_b64_json(payload)}"
    return f"{signing_input}.{_b64(sign_bytes(signing_input.encode('ascii')))}"


def verify_compact(
    token: str,
    *,
    resolve_key: KeyResolver,
    algorithms: tuple[str, ...] = ("RS256", "ES256"),
    allowed_headers: frozenset[str] | None = None,
    decoded: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) of a compact JWS whose signature verifies; CryptoError otherwise.

    The unverified header only selects the key (``resolve_key(header)``) and the algorithm, which must
    be in ``algorithms``. With ``allowed_headers``, any other header member is refused. ``decoded`` is what
    ``unverified_parts(token)`` returned for this very token, when the caller has it: not decoded again.
    """
    if not set(algorithms) <= _KEY_TYPES.keys():
        raise ValueError(f"algorithms must be among {sorted(_KEY_TYPES)}")
    header = decoded[0] if decoded is not None else _unverified_header(token)
    _check_kid(header)
    if header.get("alg") not in algorithms:
        raise CryptoError("unsupported_algorithm", f"alg {header.get('alg')!r} is not accepted")
    extra = set(header) - allowed_headers if allowed_headers is not None else set()
    if extra or "crit" in header:
        # RFC 7515 §4.1.11: no extension is understood here, so a "crit" header is always refused.
        raise CryptoError("forbidden_header", f"header members not allowed: {sorted(extra) or ['crit']}")
    resolved = resolve_key(header)
    key = resolved.public_key() if isinstance(resolved, PublicKeyInfo) else resolved
    if not isinstance(key, _KEY_TYPES[header["alg"]]):
        raise CryptoError("unsupported_algorithm", f"the key does not fit alg {header['alg']}")
    signing_input, _, signature = token.rpartition(".")
    _check_signature(header["alg"], key, signing_input.encode("ascii"), _unb64(signature, "signature"))
    if decoded is not None:
        return header, decoded[1]
    return header, _segment(signing_input.split(".")[1], "payload")


def _check_signature(alg: str, key: PublicKey, signing_input: bytes, signature: bytes) -> None:
    """RFC 7518 §3.3 (RS256), §3.4 (ES256: raw r||s), RFC 8037 (EdDSA), with cryptography directly."""
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                raise CryptoError("weak_key", f"RSA keys need at least {MIN_RSA_BITS} bits")
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) != 64:
                raise CryptoError("bad_signature", "an ES256 signature is 64 bytes")
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(signature, signing_input)
    except InvalidSignature as exc:
        raise CryptoError("bad_signature", f"the {alg} signature does not verify") from exc


def vc_jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """JWT payload of a VC-JWT: the credential itself plus iss, jti, sub, nbf and exp
    (docs/standards.md#S-vc-jwt, OB 3.0 §8.2)."""
    return {**credential, **_expected_claims(credential)}


def sign_vc_jwt(credential: dict[str, Any], *, sign_bytes: Callable[[bytes], bytes], kid: str) -> str:
    """The VC-JWT of a credential, RS256, with ``kid`` the URI of the issuer's published JWK."""
    # Exactly the header members OB 3.0 allows, in this order (docs/standards.md#S-vc-jwt).
    headers = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    return sign_compact(vc_jwt_claims(credential), sign_bytes=sign_bytes, headers=headers)


def verify_vc_jwt(
    token: str, *, resolve_key: KeyResolver, decoded: tuple[dict[str, Any], dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The credential of a verified VC-JWT, without the registered claims; CryptoError otherwise.

    ``resolve_key(header)`` picks the key from ``kid`` or ``jwk``; an embedded ``jwk`` proves nothing by
    itself, so the resolver must match it with the issuer's published keys. Time is not checked here: nbf
    and exp are only compared with validFrom and validUntil; the verification service reports expiry.
    ``decoded``: as for ``verify_compact``, the token's own (header, payload), decoded once by the caller.
    """
    header = decoded[0] if decoded is not None else _unverified_header(token)
    _check_kid(header)
    if "jwk" in header:
        # Refused before any key lookup: a header carrying "d" leaks the issuer's private key
        # (docs/standards.md#S-vc-jwt).
        public_key_from_jwk(header["jwk"])
    if header.get("typ", "JWT") != "JWT":
        raise CryptoError("forbidden_header", 'typ must be "JWT" (not vc+jwt)')
    _, payload = verify_compact(
        token,
        resolve_key=resolve_key,
        algorithms=VC_JWT_ALGORITHMS,
        allowed_headers=VC_JWT_HEADERS,
        decoded=decoded,
    )
    expected = _expected_claims(payload)
    for claim in REGISTERED_CLAIMS:
        # type() as well, so that nbf=True or 1.0 does not pass for 1.
        actual, wanted = payload.get(claim), expected.get(claim)
        if actual != wanted or type(actual) is not type(wanted):
            raise CryptoError("claims_mismatch", f"claim {claim} does not match the credential")
    return {name: value for name, value in payload.items() if name not in REGISTERED_CLAIMS}


def _expected_claims(credential: dict[str, Any]) -> dict[str, Any]:
    issuer, subject = credential.get("issuer"), credential.get("credentialSubject")
    claims = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "sub": subject.get("id") if isinstance(subject, dict) else None,
        "nbf": _numeric_date(credential.get("validFrom")),
    }
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    if not all(isinstance(claims[name], str) for name in ("iss", "jti", "sub")):
        raise CryptoError("claims_mismatch", "issuer id, id and credentialSubject.id must be strings")
    return claims


def _numeric_date(value: Any) -> int:
    """Seconds since the epoch of an XSD dateTime that carries a time zone (RFC 7519 §2 NumericDate)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise CryptoError("claims_mismatch", f"not a date-time: {value!r}") from exc
    if moment.tzinfo is None:
        raise CryptoError("claims_mismatch", f"date-time without a time zone: {value!r}")
    # floor, as Math.floor(Date.parse(s) / 1000) does in the JS verifiers (docs/standards.md#S-jose-verifier).
    return math.floor(moment.timestamp())


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, payload) WITHOUT checking the signature: only to tell formats apart and find the issuer.

    Nothing read here is trusted; the verify functions check the signature before any value is used.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise CryptoError("malformed_token", "a compact JWS has three parts")
    return _segment(parts[0], "header"), _segment(parts[1], "payload")


def _segment(text: str, name: str) -> dict[str, Any]:
    return _json_object(_unb64(text, name))


def _unb64(text: str, name: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): any other character is refused."""
    if not _BASE64URL.fullmatch(text):
        raise CryptoError("malformed_token", f"the {name} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise CryptoError("malformed_token", f"the {name} is not base64url") from exc


def _unverified_header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise CryptoError("malformed_token", "a compact JWS has three parts")
    return _segment(parts[0], "header")


def _check_kid(header: dict[str, Any]) -> None:
    if not isinstance(header.get("kid", ""), str):
        raise CryptoError("malformed_token", "kid must be a string (RFC 7515 §4.1.4)")


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CryptoError("malformed_token", "the payload is not JSON") from exc
    if not isinstance(value, dict):
        raise CryptoError("malformed_token", "the payload is not a JSON object")
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64_json(value: dict[str, Any]) -> str:
    # Compact, stable (insertion order), UTF-8 and strict JSON: what is signed is what is stored.
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _b64(text.encode("utf-8"))
