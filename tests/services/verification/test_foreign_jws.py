"""Compact JWS badges of foreign issuers: OB 3.0 VC-JWT and OB 2.0 signed assertions.

See docs/standards.md#S-vc-jwt and docs/standards.md#S-ob2-signed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from badges.services import verification
from badges.services.crypto import jws
from badges.services.verification.sources import LocalSource
from tests.services.verification.conftest import (
    OB2,
    ForeignIssuer,
    bitstring_entry,
    make_foreign,
    publish_ob2,
)


def checks(report) -> dict[str, bool]:
    return {c.name: c.passed for c in report.checks}


def message(report, name: str) -> str:
    return next(c.message for c in report.checks if c.name == name)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def rs256(key: rsa.RSAPrivateKey):
    return lambda data: key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def b64_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "n": b64_uint(numbers.n),
        "e": b64_uint(numbers.e),
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
    }


def tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Programmer en Rust"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


@pytest.fixture
def verify(session, links, now, fetcher):
    def run(value: Any, **kwargs: Any):
        return verification.verify_value(
            value, source=LocalSource(session, links, remote=fetcher), now=now, **kwargs
        )

    return run


@pytest.fixture
def issuer(https_server, foreign_key) -> ForeignIssuer:
    """An https issuer: Ed25519 controller document (for its status list) and an RSA JWK for its VC-JWTs."""
    return make_foreign("https", https_server, foreign_key)


def vc_jwt(issuer: ForeignIssuer, key: rsa.RSAPrivateKey, revoked: set[int] = frozenset()) -> str:
    status = issuer.publish_status_list("/status/1", set(revoked))
    credential = issuer.credential(bitstring_entry(status, 42))
    del credential["proof"]
    kid = issuer.id + "/keys/rsa-1"
    issuer.server.json("/issuers/ailleurs/keys/rsa-1", public_jwk(key, kid))
    return jws.sign_vc_jwt(credential, sign_bytes=rs256(key), kid=kid)


def test_a_foreign_vc_jwt_is_valid(verify, issuer, rsa_key):
    report = verify(vc_jwt(issuer, rsa_key))
    assert report.valid, report.to_dict()
    assert report.format == "ob3-jwt"


def test_a_revoked_foreign_vc_jwt_is_invalid(verify, issuer, rsa_key):
    report = verify(vc_jwt(issuer, rsa_key, revoked={42}))
    assert not report.valid
    assert message(report, "status") == "Ce badge a été révoqué par son émetteur."


def test_a_tampered_foreign_vc_jwt_is_invalid(verify, issuer, rsa_key):
    report = verify(tamper(vc_jwt(issuer, rsa_key)))
    assert not report.valid
    assert checks(report)["signature"] is False


def with_embedded_jwk(issuer: ForeignIssuer, key: rsa.RSAPrivateKey) -> str:
    """A VC-JWT carrying its public key in the `jwk` header, as 1EdTech's examples do."""
    credential = issuer.credential(None)
    del credential["proof"]
    claims = jws.vc_jwt_claims(credential)
    headers = {"alg": "RS256", "jwk": {k: v for k, v in public_jwk(key, "k").items() if k != "kid"}}
    return jws.sign_compact(claims, sign_bytes=rs256(key), headers=headers)


def test_a_foreign_vc_jwt_with_an_embedded_jwk_needs_the_issuer_jwks(verify, issuer, rsa_key):
    token = with_embedded_jwk(issuer, rsa_key)
    unpublished = verify(token)
    assert checks(unpublished)["key"] is False
    assert message(unpublished, "key").startswith(
        "La clé jointe au jeton n'est pas reconnue : les clés publiées par l'émetteur n'ont pas pu être "
        "récupérées ("
    )
    assert "a répondu 404" in message(unpublished, "key")
    issuer.server.json("/.well-known/jwks.json", {"keys": [public_jwk(rsa_key, "k")]})
    report = verify(token)
    assert report.valid, report.to_dict()


def test_an_embedded_jwk_the_issuer_does_not_publish_is_named_as_such(verify, issuer, rsa_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer.server.json("/.well-known/jwks.json", {"keys": [public_jwk(other, "k")]})
    report = verify(with_embedded_jwk(issuer, rsa_key))
    assert not report.valid
    assert checks(report)["signature"] is True
    assert message(report, "signature") == (
        "Signature JWT RS256 intacte avec la clé jointe au jeton, "
        "mais cette clé n'est pas reconnue comme celle de l'émetteur."
    )
    assert message(report, "key") == (
        "La clé jointe au jeton n'est pas une clé publiée par l'émetteur : rien ne prouve qu'elle est à lui."
    )


def test_an_embedded_jwk_of_an_unreachable_issuer_gets_a_precise_verdict(client, dns, foreign_key, rsa_key):
    """Through /api/v1/verify: the issuer's name does not resolve, so its keys cannot be fetched."""
    unreachable = ForeignIssuer("https://introuvable.test/issuers/x", "", foreign_key, None)  # type: ignore[arg-type]
    token = with_embedded_jwk(unreachable, rsa_key)
    report = client.post("/api/v1/verify", json={"credential": token}).json
    verdicts = {c["name"]: c for c in report["checks"]}
    assert report["valid"] is False
    assert verdicts["signature"]["passed"] is True
    assert verdicts["key"] == {
        "name": "key",
        "passed": False,
        "message": "La clé jointe au jeton n'est pas reconnue : les clés publiées par l'émetteur "
        "n'ont pas pu être récupérées (Nom de domaine introuvable : introuvable.test).",
        "code": "check.key.unbound_unavailable",
    }
    tampered = client.post("/api/v1/verify", json={"credential": tamper(token)}).json
    assert {c["name"]: c["passed"] for c in tampered["checks"]}["signature"] is False


def publish_signed_ob2(server, key: rsa.RSAPrivateKey, revoked: list[Any]) -> str:
    hosted = publish_ob2(server)
    issuer = json.loads(server.routes["/ob2/issuer"].body)
    key_url = server.url("/ob2/keys/1")
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    server.json(
        "/ob2/keys/1",
        {
            "@context": OB2,
            "type": "CryptographicKey",
            "id": key_url,
            "owner": issuer["id"],
            "publicKeyPem": pem.decode(),
        },
    )
    revocations = server.url("/ob2/revocations")
    server.json(
        "/ob2/revocations",
        {
            "@context": OB2,
            "type": "RevocationList",
            "id": revocations,
            "issuer": issuer["id"],
            "revokedAssertions": revoked,
        },
    )
    server.json("/ob2/issuer", {**issuer, "publicKey": key_url, "revocationList": revocations})
    assertion = {
        **hosted,
        "id": "urn:uuid:3a9d0a0e-7d0e-4a53-9a55-1c5d2b9f0e01",
        "verification": {"type": "SignedBadge", "creator": key_url},
    }
    return jws.sign_compact(assertion, sign_bytes=rs256(key), headers={"typ": "JWT"})


def test_a_foreign_signed_assertion_is_valid(verify, https_server, rsa_key):
    token = publish_signed_ob2(
        https_server, rsa_key, revoked=["urn:uuid:00000000-0000-4000-8000-000000000000"]
    )
    report = verify(token, email="camille@example.org")
    assert report.valid, report.to_dict()
    assert report.format == "ob2-signed"


def test_a_foreign_signed_assertion_in_the_revocation_list_is_invalid(verify, https_server, rsa_key):
    revoked = [{"id": "urn:uuid:3a9d0a0e-7d0e-4a53-9a55-1c5d2b9f0e01", "revocationReason": "Erreur"}]
    report = verify(publish_signed_ob2(https_server, rsa_key, revoked=revoked))
    assert not report.valid
    assert message(report, "status") == "Ce badge a été révoqué par son émetteur : Erreur."


def test_a_tampered_foreign_signed_assertion_is_invalid(verify, https_server, rsa_key):
    token = publish_signed_ob2(https_server, rsa_key, revoked=[])
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["recipient"]["identity"] = "mallory@example.org"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    report = verify(f"{header}.{forged}.{signature}")
    assert not report.valid
    assert checks(report)["signature"] is False


def test_a_foreign_signed_assertion_whose_key_belongs_to_another_issuer_is_invalid(
    verify, https_server, rsa_key
):
    token = publish_signed_ob2(https_server, rsa_key, revoked=[])
    key_doc = json.loads(https_server.routes["/ob2/keys/1"].body)
    https_server.json("/ob2/keys/1", {**key_doc, "owner": "https://someone.else/issuer"})
    report = verify(token)
    assert not report.valid
    assert checks(report)["key"] is False
