"""Compact JWS (OB 2.0 signed assertions) and VC-JWT (OB 3.0): round trips, attacks and tampering."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from badges.services.crypto import CryptoError
from badges.services.crypto.jws import (
    sign_compact,
    sign_vc_jwt,
    unverified_parts,
    vc_jwt_claims,
    verify_compact,
    verify_vc_jwt,
)
from badges.services.crypto.keyring import Keyring, PublicKeyInfo, public_key_from_jwk

KID = "https://badges.example.org/issuers/la-fabrique/keys/rsa-1"
ISSUER = "https://badges.example.org/issuers/la-fabrique"
SUBJECT = "urn:uuid:7c1d0a4e-3b2f-4c5d-8e9f-0a1b2c3d4e5f"


@pytest.fixture(scope="module")
def ring(tmp_path_factory: pytest.TempPathFactory) -> Keyring:
    keys = Keyring(tmp_path_factory.mktemp("jws") / "keys", b"passphrase")
    keys.generate("RSA", "rsa-1")
    keys.generate("RSA", "rsa-2")
    keys.generate("Ed25519", "ed-1")
    return keys


@pytest.fixture(scope="module")
def rsa_info(ring: Keyring) -> PublicKeyInfo:
    return ring.public_info("rsa-1")


def signer(ring: Keyring, kid: str = "rsa-1") -> Any:
    return lambda data: ring.sign(kid, data)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64_json(value: Any) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def segments(token: str) -> list[Any]:
    header, payload, _ = token.split(".")
    return [json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (header, payload)]


def forge(ring: Keyring, header: str, payload: str, kid: str = "rsa-1") -> str:
    """A token with the given raw segments, validly signed with an RSA key of the ring."""
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{b64(ring.sign(kid, signing_input.encode()))}"


def assertion() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:0b7c9a2e-4f3d-4e5a-9b1c-2d3e4f5a6b7c",
        "recipient": {"type": "email", "hashed": True, "identity": "sha256$" + "0" * 64},
        "badge": "https://badges.example.org/ob2/badges/premiers-pas",
        "verification": {"type": "SignedBadge", "creator": "https://badges.example.org/ob2/keys/1"},
        "issuedOn": "2026-02-01T10:00:00Z",
        "narrative": "Réussi à l'atelier « Premiers pas »",
    }


def credential(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2f1e8c5e-6a4b-4f0e-9a57-0d8f3c2b1a90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "La Fabrique"},
        "validFrom": "2026-02-01T10:00:00Z",
        "validUntil": "2028-02-01T10:00:00Z",
        "credentialSubject": {"id": SUBJECT, "type": ["AchievementSubject"]},
    }  # fmt: skip
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


# --- OB 2.0 compact JWS -----------------------------------------------------------------------------


def test_signed_assertion_round_trip(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    token = sign_compact(assertion(), sign_bytes=signer(ring), headers={"typ": "JWT"})
    header, payload = verify_compact(token, resolve_key=lambda h: rsa_info)
    assert header == {"alg": "RS256", "typ": "JWT"}
    assert payload == assertion()


def test_the_signed_serialisation_is_compact_utf8_and_keeps_key_order(ring: Keyring) -> None:
    token = sign_compact(assertion(), sign_bytes=signer(ring), headers={"typ": "JWT", "kid": "k"})
    header, payload, _ = token.split(".")
    assert base64.urlsafe_b64decode(header + "==") == b'{"alg":"RS256","typ":"JWT","kid":"k"}'
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert raw == json.dumps(assertion(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert "« Premiers pas »".encode() in raw


def test_pyjwt_reads_our_tokens(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    token = sign_compact(assertion(), sign_bytes=signer(ring), headers={"typ": "JWT"})
    assert jwt.PyJWS().decode(token, key=rsa_info.public_key(), algorithms=["RS256"]) == json.dumps(
        assertion(), separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def test_sign_compact_issues_rs256_only(ring: Keyring) -> None:
    with pytest.raises(ValueError, match="RS256"):
        sign_compact(assertion(), sign_bytes=signer(ring), headers={"alg": "none"})


def test_a_foreign_es256_token_verifies_with_its_jwk() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode({"a": 1}, private, algorithm="ES256", headers={"kid": "ec"})
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    header, payload = verify_compact(token, resolve_key=lambda h: public_key_from_jwk(public_jwk))
    assert header["alg"] == "ES256" and payload == {"a": 1}


def test_the_unverified_header_only_selects_the_key(ring: Keyring) -> None:
    token = sign_compact(assertion(), sign_bytes=signer(ring), headers={"kid": "rsa-1"})
    seen: list[dict[str, Any]] = []

    def resolve(header: dict[str, Any]) -> PublicKeyInfo:
        seen.append(header)
        return ring.public_info("rsa-2")  # the issuer's other key: must not verify

    with pytest.raises(CryptoError) as caught:
        verify_compact(token, resolve_key=resolve)
    assert caught.value.code == "bad_signature"
    assert seen == [{"alg": "RS256", "kid": "rsa-1"}]


def test_alg_none_is_refused(rsa_info: PublicKeyInfo) -> None:
    token = f"{b64_json({'alg': 'none', 'typ': 'JWT'})}.{b64_json(assertion())}."
    with pytest.raises(CryptoError) as caught:
        verify_compact(token, resolve_key=lambda h: rsa_info)
    assert caught.value.code == "unsupported_algorithm"


def test_hs256_signed_with_the_public_key_as_secret_is_refused(rsa_info: PublicKeyInfo) -> None:
    # The classic algorithm-confusion attack: the attacker knows the published PEM.
    signing_input = f"{b64_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64_json(assertion())}"
    mac = hmac.new(rsa_info.public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(CryptoError) as caught:
        verify_compact(f"{signing_input}.{b64(mac)}", resolve_key=lambda h: rsa_info)
    assert caught.value.code == "unsupported_algorithm"


@pytest.mark.parametrize("algorithms", [("HS256",), ("RS256", "none"), ("PS256",)])
def test_symmetric_or_unknown_algorithms_cannot_be_enabled(rsa_info: PublicKeyInfo, algorithms: Any) -> None:
    with pytest.raises(ValueError, match="algorithms"):
        verify_compact("a.b.c", resolve_key=lambda h: rsa_info, algorithms=algorithms)


def test_an_algorithm_outside_the_allow_list_is_refused(ring: Keyring) -> None:
    signing_input = f"{b64_json({'alg': 'EdDSA'})}.{b64_json({'a': 1})}"
    token = f"{signing_input}.{b64(ring.sign('ed-1', signing_input.encode()))}"
    info = ring.public_info("ed-1")
    with pytest.raises(CryptoError) as caught:
        verify_compact(token, resolve_key=lambda h: info)
    assert caught.value.code == "unsupported_algorithm"
    assert verify_compact(token, resolve_key=lambda h: info, algorithms=("EdDSA",))[1] == {"a": 1}


def test_a_key_that_does_not_fit_the_algorithm_is_refused(ring: Keyring) -> None:
    token = forge(ring, b64_json({"alg": "ES256"}), b64_json({"a": 1}))
    with pytest.raises(CryptoError) as caught:
        verify_compact(token, resolve_key=lambda h: ring.public_info("rsa-1"))
    assert caught.value.code == "unsupported_algorithm"


def test_a_short_rsa_key_from_the_resolver_is_refused() -> None:
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    signing_input = f"{b64_json({'alg': 'RS256'})}.{b64_json({'a': 1})}"
    signature = short.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(CryptoError) as caught:
        verify_compact(f"{signing_input}.{b64(signature)}", resolve_key=lambda h: short.public_key())
    assert caught.value.code == "weak_key"


def test_a_tampered_payload_is_refused(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    header, _, signature = sign_compact(assertion(), sign_bytes=signer(ring), headers={}).split(".")
    forged = {**assertion(), "badge": "https://evil.example/badge"}
    with pytest.raises(CryptoError) as caught:
        verify_compact(f"{header}.{b64_json(forged)}.{signature}", resolve_key=lambda h: rsa_info)
    assert caught.value.code == "bad_signature"


def test_a_tampered_signature_is_refused(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    header, payload, signature = sign_compact(assertion(), sign_bytes=signer(ring), headers={}).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[-1] ^= 0x01
    with pytest.raises(CryptoError) as caught:
        verify_compact(f"{header}.{payload}.{b64(bytes(raw))}", resolve_key=lambda h: rsa_info)
    assert caught.value.code == "bad_signature"


MALFORMED_TOKENS = [
    ("empty", lambda k: ""),
    ("two segments", lambda k: "eyJhbGciOiJSUzI1NiJ9.e30"),
    ("four segments", lambda k: forge(k, b64_json({"alg": "RS256"}), b64_json({})) + ".x"),
    ("header not base64url", lambda k: "!!!." + b64_json({}) + ".sig"),
    ("header not json", lambda k: forge(k, b64(b"{alg"), b64_json({}))),
    ("header is an array", lambda k: forge(k, b64_json(["RS256"]), b64_json({}))),
    ("kid is a number", lambda k: forge(k, b64_json({"alg": "RS256", "kid": 7}), b64_json({}))),
    ("payload not json", lambda k: forge(k, b64_json({"alg": "RS256"}), b64(b"not json"))),
    ("payload is an array", lambda k: forge(k, b64_json({"alg": "RS256"}), b64_json([1, 2]))),
    ("signature not base64url", lambda k: b64_json({"alg": "RS256"}) + "." + b64_json({}) + ".@@"),
]


@pytest.mark.parametrize("build", [b for _, b in MALFORMED_TOKENS], ids=[n for n, _ in MALFORMED_TOKENS])
def test_malformed_tokens_are_refused(ring: Keyring, rsa_info: PublicKeyInfo, build: Any) -> None:
    with pytest.raises(CryptoError) as caught:
        verify_compact(build(ring), resolve_key=lambda h: rsa_info)
    assert caught.value.code == "malformed_token"


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"crit": ["b64"], "b64": True}, None),
        ({"kid": "k", "x5u": "https://evil.example/"}, frozenset({"alg", "kid"})),
    ],
)
def test_crit_and_headers_outside_the_allowed_set_are_refused(
    ring: Keyring, rsa_info: PublicKeyInfo, headers: dict[str, Any], allowed: frozenset[str] | None
) -> None:
    token = sign_compact({"a": 1}, sign_bytes=signer(ring), headers=headers)
    with pytest.raises(CryptoError) as caught:
        verify_compact(token, resolve_key=lambda h: rsa_info, allowed_headers=allowed)
    assert caught.value.code == "forbidden_header"


# --- OB 3.0 VC-JWT ----------------------------------------------------------------------------------


def test_vc_jwt_round_trip_with_the_exact_ob30_header(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    token = sign_vc_jwt(credential(), sign_bytes=signer(ring), kid=KID)
    assert base64.urlsafe_b64decode(token.split(".")[0] + "==").startswith(b'{"alg":"RS256","kid":"')
    header, payload = segments(token)
    assert header == {"alg": "RS256", "kid": KID, "typ": "JWT"}
    assert list(header) == ["alg", "kid", "typ"]
    assert payload == vc_jwt_claims(credential())
    assert verify_vc_jwt(token, resolve_key=lambda h: rsa_info) == credential()


def test_vc_jwt_claims_equal_the_credential_fields() -> None:
    claims = vc_jwt_claims(credential())
    assert claims["iss"] == ISSUER
    assert claims["jti"] == "urn:uuid:2f1e8c5e-6a4b-4f0e-9a57-0d8f3c2b1a90"
    assert claims["sub"] == SUBJECT
    assert (claims["nbf"], claims["exp"]) == (1769940000, 1833012000)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"issuer": ISSUER}, {"iss": ISSUER}),
        ({"validUntil": None}, {"exp": None}),
        ({"validFrom": "2026-02-01T11:00:00.999+01:00"}, {"nbf": 1769940000}),
        ({"validFrom": "1969-12-31T23:59:59.5Z"}, {"nbf": -1}),
    ],
    ids=["issuer-as-string", "no-validUntil-no-exp", "offset-and-fraction", "floor-before-1970"],
)
def test_vc_jwt_claims_cover_the_field_variants(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    claims = vc_jwt_claims(credential(**changes))
    for name, value in expected.items():
        assert claims.get(name) == value


@pytest.mark.parametrize(
    "changes",
    [{"validFrom": None}, {"validFrom": "2026-02-01T10:00:00"}, {"validFrom": "yesterday"}, {"id": None},
     {"credentialSubject": {"type": ["AchievementSubject"]}}, {"issuer": {"type": ["Profile"]}}],
    ids=["no-validFrom", "naive-validFrom", "not-a-date", "no-id", "no-subject-id", "no-issuer-id"],
)  # fmt: skip
def test_vc_jwt_claims_need_every_field_they_repeat(changes: dict[str, Any]) -> None:
    with pytest.raises(CryptoError) as caught:
        vc_jwt_claims(credential(**changes))
    assert caught.value.code == "claims_mismatch"


def test_a_foreign_es256_vc_jwt_with_an_embedded_jwk_verifies() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    token = jwt.encode(vc_jwt_claims(credential()), private, algorithm="ES256", headers={"jwk": public_jwk})
    assert verify_vc_jwt(token, resolve_key=lambda h: public_key_from_jwk(h["jwk"])) == credential()


def test_an_eddsa_vc_jwt_is_refused_as_1edtech_does(ring: Keyring) -> None:
    signing_input = f"{b64_json({'alg': 'EdDSA', 'kid': 'ed-1'})}.{b64_json(vc_jwt_claims(credential()))}"
    token = f"{signing_input}.{b64(ring.sign('ed-1', signing_input.encode()))}"
    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(token, resolve_key=lambda h: ring.public_info("ed-1"))
    assert caught.value.code == "unsupported_algorithm"


@pytest.mark.parametrize(
    "headers",
    [{"kid": KID, "typ": "JWT", "cty": "vc"}, {"kid": KID, "x5c": ["AAAA"]}, {"kid": KID, "typ": "vc+jwt"}],
    ids=["extra-cty", "extra-x5c", "typ-vc+jwt"],
)
def test_vc_jwt_headers_are_restricted(
    ring: Keyring, rsa_info: PublicKeyInfo, headers: dict[str, Any]
) -> None:
    token = sign_compact(vc_jwt_claims(credential()), sign_bytes=signer(ring), headers=headers)
    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(token, resolve_key=lambda h: rsa_info)
    assert caught.value.code == "forbidden_header"


def test_an_embedded_jwk_with_private_members_is_refused_before_any_key_lookup(
    ring: Keyring, rsa_info: PublicKeyInfo
) -> None:
    leaked = {**rsa_info.jwk(KID), "d": "AQAB"}
    token = sign_compact(vc_jwt_claims(credential()), sign_bytes=signer(ring), headers={"jwk": leaked})

    def resolve(header: dict[str, Any]) -> PublicKeyInfo:
        raise AssertionError("the key must not be looked up")

    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(token, resolve_key=resolve)
    assert caught.value.code == "private_jwk"


CLAIM_CHANGES = [
    ("jti-not-id", {"jti": "urn:uuid:00000000-0000-0000-0000-000000000000"}),
    ("wrong-exp", {"exp": 1833012001}),
    ("missing-exp", {"exp": None}),
    ("exp-without-validUntil", {"validUntil": None}),
    ("wrong-nbf", {"nbf": 1769940001}),
    ("nbf-as-float", {"nbf": 1769940000.0}),
    ("nbf-as-string", {"nbf": "1769940000"}),
    ("iss-not-issuer", {"iss": "https://evil.example/issuer"}),
    ("sub-not-subject", {"sub": "urn:uuid:11111111-1111-1111-1111-111111111111"}),
    ("no-sub", {"sub": None}),
]


@pytest.mark.parametrize("changes", [c for _, c in CLAIM_CHANGES], ids=[n for n, _ in CLAIM_CHANGES])
def test_claims_that_differ_from_the_credential_are_refused(
    ring: Keyring, rsa_info: PublicKeyInfo, changes: dict[str, Any]
) -> None:
    payload = {**vc_jwt_claims(credential()), **changes}
    payload = {name: value for name, value in payload.items() if value is not None}
    token = sign_compact(payload, sign_bytes=signer(ring), headers={"kid": KID, "typ": "JWT"})
    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(token, resolve_key=lambda h: rsa_info)
    assert caught.value.code == "claims_mismatch"


def test_a_tampered_vc_jwt_is_refused(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    header, _, signature = sign_vc_jwt(credential(), sign_bytes=signer(ring), kid=KID).split(".")
    forged = vc_jwt_claims(credential(name="Diplôme d'ingénieur"))
    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(f"{header}.{b64_json(forged)}.{signature}", resolve_key=lambda h: rsa_info)
    assert caught.value.code == "bad_signature"


def test_expiry_is_not_judged_here(ring: Keyring, rsa_info: PublicKeyInfo) -> None:
    # The verification service reports expiry as its own named check.
    expired = credential(validFrom="2001-01-01T00:00:00Z", validUntil="2002-01-01T00:00:00Z")
    token = sign_vc_jwt(expired, sign_bytes=signer(ring), kid=KID)
    assert verify_vc_jwt(token, resolve_key=lambda h: rsa_info) == expired


def test_parts_decoded_once_by_the_caller_give_the_same_answers(
    ring: Keyring, rsa_info: PublicKeyInfo
) -> None:
    """`decoded` (issue 17) only spares decoding the same token again: same results, same refusals."""
    signed = sign_compact(assertion(), sign_bytes=signer(ring), headers={"kid": "rsa-1"})
    token = sign_vc_jwt(credential(), sign_bytes=signer(ring), kid=KID)
    assert verify_compact(signed, resolve_key=lambda h: rsa_info, decoded=unverified_parts(signed)) == (
        verify_compact(signed, resolve_key=lambda h: rsa_info)
    )
    assert (
        verify_vc_jwt(token, resolve_key=lambda h: rsa_info, decoded=unverified_parts(token)) == credential()
    )
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[-1] ^= 0x01
    tampered = f"{header}.{payload}.{b64(bytes(raw))}"
    with pytest.raises(CryptoError) as caught:
        verify_vc_jwt(tampered, resolve_key=lambda h: rsa_info, decoded=unverified_parts(tampered))
    assert caught.value.code == "bad_signature"
    with pytest.raises(CryptoError) as refused:  # the header's rules hold for decoded parts as well
        verify_compact(
            signed, resolve_key=lambda h: rsa_info, algorithms=("ES256",), decoded=unverified_parts(signed)
        )
    assert refused.value.code == "unsupported_algorithm"
    with pytest.raises(CryptoError) as kid:
        verify_compact(signed, resolve_key=lambda h: rsa_info, decoded=({"alg": "RS256", "kid": 7}, {}))
    assert kid.value.code == "malformed_token"
