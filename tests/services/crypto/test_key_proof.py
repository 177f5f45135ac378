"""OpenID4VCI jwt key proofs (1.0 Appendix F.1): what names the holder's key, and what is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from badges.services.crypto import CryptoError, dids, key_proof
from tests.oid4vci_wallet import Holder

AUD = "https://badges.test"
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
IAT = int(NOW.timestamp())
PRIVATE_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}


@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_a_did_key_proof_names_its_did_and_nonce(curve):
    holder = Holder(curve)
    proof = key_proof.verify(holder.proof(aud=AUD, nonce="n-1", iat=IAT), audience=AUD, now=NOW)
    assert proof == key_proof.KeyProof(holder_did=holder.did, nonce="n-1")


def test_a_jwk_header_gives_a_did_jwk_that_resolves_to_the_same_key():
    holder = Holder("P-256")
    header = {"typ": key_proof.PROOF_TYP, "alg": "ES256", "jwk": {**holder.jwk, "use": "sig"}}
    proof = key_proof.verify(holder.proof(aud=AUD, nonce=None, iat=IAT, header=header), audience=AUD, now=NOW)
    encoded = proof.holder_did.removeprefix("did:jwk:")
    assert json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == dict(
        sorted(holder.jwk.items())
    )
    resolved = dids.resolve(proof.holder_did).public_key
    assert resolved.public_numbers() == holder.key.public_key().public_numbers()
    assert proof.nonce is None


def test_aud_may_be_a_list_holding_the_issuer():
    holder = Holder()
    token = holder.proof(aud=[AUD, "https://other.example"], nonce="n", iat=IAT)  # type: ignore[arg-type]
    assert key_proof.verify(token, audience=AUD, now=NOW).holder_did == holder.did


@pytest.mark.parametrize(
    "change",
    [
        {"header": {"alg": "EdDSA"}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "KID", "x5c": ["MIIB"]}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "KID", "crit": ["x"]}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "HS256", "kid": "KID"}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:web:example.org#key-1"}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": "did:key:z6Mknotakey#z6Mknotakey"}},
        {"header": {"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "jwk": PRIVATE_JWK}},
        {"aud": "https://badges.test/"},
        {"iat": "now"},
        {"iat": IAT + 600},
        {"iat": IAT - 3600},
    ],
    ids=["no-typ", "x5c", "crit", "hmac", "did-web", "bad-did-key", "private-jwk", "aud-slash", "iat-text",
         "iat-future", "iat-old"],
)  # fmt: skip
def test_refused_proofs(change):
    holder = Holder()
    header = change.get("header")
    if header is not None and header.get("kid") == "KID":
        header = {**header, "kid": holder.kid}
    token = holder.proof(aud=change.get("aud", AUD), nonce="n", iat=change.get("iat", IAT), header=header)
    with pytest.raises(CryptoError) as raised:
        key_proof.verify(token, audience=AUD, now=NOW)
    assert raised.value.code == "invalid_proof"


def test_a_proof_that_is_not_a_string_or_too_long_is_refused():
    for value in (None, 42, "a.b", "x" * 9000):
        with pytest.raises(CryptoError):
            key_proof.verify(value, audience=AUD, now=NOW)


def test_an_iat_within_the_window_is_accepted():
    holder = Holder()
    for iat in (IAT - int(timedelta(minutes=9).total_seconds()), IAT + 60):
        assert key_proof.verify(holder.proof(aud=AUD, nonce="n", iat=iat), audience=AUD, now=NOW)
