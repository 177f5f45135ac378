"""eddsa-rdfc-2022: the official 1EdTech vector, round trips and tampering.

See docs/standards.md#S-test-vector.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services.crypto import CryptoError, rdfc_native
from badges.services.crypto.dataintegrity import hash_data, sign, verify
from badges.services.crypto.multibase import b58decode, b58encode, ed25519_from_multibase, ed25519_multibase
from badges.services.crypto.rdfc import canonicalize

VECTORS = Path(__file__).resolve().parents[2] / "data" / "test-vectors" / "obv3p0"
CREATED = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def vector() -> dict[str, Any]:
    return json.loads((VECTORS / "eddsa-rdfc-2022-vector.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@pytest.fixture(scope="module")
def signed(vector: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    multibase = ed25519_multibase(raw_public(private_key))
    return sign(
        vector["unsignedCredential"],
        sign_bytes=private_key.sign,
        verification_method=f"did:key:{multibase}#{multibase}",
        created=CREATED,
    )


def did_key(verification_method: str) -> bytes:
    """A did:key verification method carries its own public key: resolving it is decoding it."""
    return ed25519_from_multibase(verification_method.split("#")[-1])


def test_signer_reproduces_the_1edtech_vector_byte_for_byte(vector: dict[str, Any]) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["privateKeySeedHex"]))
    public = raw_public(key)
    assert public.hex() == vector["publicKeyHex"]
    assert ed25519_multibase(public) == vector["publicKeyMultibase"]
    assert ed25519_from_multibase(vector["publicKeyMultibase"]) == public

    credential, options = vector["unsignedCredential"], vector["proofOptions"]
    proof_canon = canonicalize({"@context": credential["@context"], **options})
    document_canon = canonicalize(credential)
    assert proof_canon == (VECTORS / vector["canonicalProofFile"]).read_text(encoding="utf-8")
    assert document_canon == (VECTORS / vector["canonicalDocumentFile"]).read_text(encoding="utf-8")
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == vector["proofHashHex"]
    assert hashlib.sha256(document_canon.encode()).hexdigest() == vector["documentHashHex"]
    assert hash_data(credential, options).hex() == vector["hashDataHex"]

    signed = sign(
        credential,
        sign_bytes=key.sign,
        verification_method=options["verificationMethod"],
        created=datetime.fromisoformat(options["created"]),
    )
    proof = signed["proof"][0]
    assert proof["proofValue"] == vector["proofValue"]
    assert b58decode(proof["proofValue"][1:]).hex() == vector["signatureHex"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == options


def test_the_vector_verifies_with_proof_as_an_object(vector: dict[str, Any]) -> None:
    # The spec's own example serialises proof as an object (docs/standards.md#S-data-integrity).
    proof = {**vector["proofOptions"], "proofValue": vector["proofValue"]}
    document = {**vector["unsignedCredential"], "proof": proof}
    public = bytes.fromhex(vector["publicKeyHex"])
    assert verify(document, resolve_key=lambda method: public) == proof


def test_sign_returns_a_new_document_with_proof_as_an_array(
    vector: dict[str, Any], signed: dict[str, Any]
) -> None:
    assert "proof" not in vector["unsignedCredential"]
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1
    assert list(signed["proof"][0]) == [
        "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"
    ]  # fmt: skip
    assert signed["proof"][0]["created"] == "2026-02-01T10:00:00Z"


def test_sign_writes_created_in_utc_without_fractions(vector: dict[str, Any]) -> None:
    paris = timezone(timedelta(hours=1))
    signed = sign(
        vector["unsignedCredential"],
        sign_bytes=Ed25519PrivateKey.generate().sign,
        verification_method="did:key:z6Mk#z6Mk",
        created=datetime(2026, 2, 1, 11, 0, 0, 123456, tzinfo=paris),
    )
    assert signed["proof"][0]["created"] == "2026-02-01T10:00:00Z"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"proof": []}, "already has a proof"),
        ({}, "timezone-aware"),
    ],
)
def test_sign_refuses_a_signed_document_or_a_naive_time(
    vector: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    created = CREATED if change else CREATED.replace(tzinfo=None)
    with pytest.raises(ValueError, match=message):
        sign(
            {**vector["unsignedCredential"], **change},
            sign_bytes=Ed25519PrivateKey.generate().sign,
            verification_method="did:key:z6Mk#z6Mk",
            created=created,
        )


def test_round_trip_with_a_fresh_key(signed: dict[str, Any]) -> None:
    assert verify(signed, resolve_key=did_key) == signed["proof"][0]


def test_verify_rejects_one_changed_character_in_a_subject_field(signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Teamwerk"
    with pytest.raises(CryptoError) as caught:
        verify(tampered, resolve_key=did_key)
    assert caught.value.code == "bad_signature"


def test_verify_rejects_a_tampered_proof_value(signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    signature = bytearray(b58decode(tampered["proof"][0]["proofValue"][1:]))
    signature[10] ^= 0x01
    tampered["proof"][0]["proofValue"] = "z" + b58encode(bytes(signature))
    with pytest.raises(CryptoError) as caught:
        verify(tampered, resolve_key=did_key)
    assert caught.value.code == "bad_signature"


def test_verify_rejects_a_proof_option_changed_after_signing(signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"][0]["created"] = "2030-01-01T00:00:00Z"
    with pytest.raises(CryptoError) as caught:
        verify(tampered, resolve_key=did_key)
    assert caught.value.code == "bad_signature"


def test_a_proof_may_repeat_the_document_context(signed: dict[str, Any]) -> None:
    with_context = proof_with(signed, **{"@context": signed["@context"]})
    assert verify(with_context, resolve_key=did_key)["@context"] == signed["@context"]


def test_verify_rejects_another_key(signed: dict[str, Any]) -> None:
    other = raw_public(Ed25519PrivateKey.generate())
    with pytest.raises(CryptoError) as caught:
        verify(signed, resolve_key=lambda method: other)
    assert caught.value.code == "bad_signature"


def test_verify_lets_the_resolver_error_through(signed: dict[str, Any]) -> None:
    def unknown(method: str) -> bytes:
        raise CryptoError("unknown_key", method)

    with pytest.raises(CryptoError) as caught:
        verify(signed, resolve_key=unknown)
    assert caught.value.code == "unknown_key"


def test_verify_refuses_a_resolved_key_that_is_not_ed25519(signed: dict[str, Any]) -> None:
    with pytest.raises(CryptoError) as caught:
        verify(signed, resolve_key=lambda method: b"\x01" * 31)
    assert caught.value.code == "unknown_key"


def with_proof(signed: dict[str, Any], proof: Any) -> dict[str, Any]:
    return {**signed, "proof": proof}


def proof_with(signed: dict[str, Any], **changes: Any) -> dict[str, Any]:
    proof = {**signed["proof"][0], **changes}
    return {**signed, "proof": [{k: v for k, v in proof.items() if v is not None}]}


MALFORMED = [
    ("wrong proofPurpose", lambda s: proof_with(s, proofPurpose="authentication"), "wrong_proof_purpose"),
    ("unknown cryptosuite", lambda s: proof_with(s, cryptosuite="ecdsa-rdfc-2019"), "unknown_cryptosuite"),
    ("no cryptosuite", lambda s: proof_with(s, cryptosuite=None), "unknown_cryptosuite"),
    ("other proof type", lambda s: proof_with(s, type="Ed25519Signature2020"), "malformed_proof"),
    ("two proofs", lambda s: with_proof(s, s["proof"] * 2), "malformed_proof"),
    ("empty proof array", lambda s: with_proof(s, []), "malformed_proof"),
    ("no proof", lambda s: {k: v for k, v in s.items() if k != "proof"}, "malformed_proof"),
    ("proof is a string", lambda s: with_proof(s, "z123"), "malformed_proof"),
    ("missing proofValue", lambda s: proof_with(s, proofValue=None), "malformed_proof"),
    ("proofValue not multibase z", lambda s: proof_with(s, proofValue="u" + s["proof"][0]["proofValue"][1:]),
     "malformed_proof"),
    ("proofValue not base58", lambda s: proof_with(s, proofValue="z0OIl"), "malformed_proof"),
    ("proofValue too short", lambda s: proof_with(s, proofValue="z" + b58encode(b"\x01" * 63)),
     "malformed_proof"),
    ("proofValue too long", lambda s: proof_with(s, proofValue="z" + "2" * 5000), "malformed_proof"),
    ("proofValue not a string", lambda s: proof_with(s, proofValue=12), "malformed_proof"),
    ("verificationMethod missing", lambda s: proof_with(s, verificationMethod=None), "malformed_proof"),
    ("proof with own context", lambda s: proof_with(s, **{"@context": s["@context"][:1]}), "malformed_proof"),
    ("unknown context", lambda s: {**s, "@context": ["https://example.org/c"]}, "canonicalization_failed"),
    ("no context", lambda s: {k: v for k, v in s.items() if k != "@context"}, "canonicalization_failed"),
    ("context is a number", lambda s: {**s, "@context": 5}, "canonicalization_failed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "code"), [(m, c) for _, m, c in MALFORMED], ids=[name for name, _, _ in MALFORMED]
)
def test_verify_rejects_malformed_proofs_with_a_stable_code(
    signed: dict[str, Any], mutate: Any, code: str
) -> None:
    with pytest.raises(CryptoError) as caught:
        verify(mutate(signed), resolve_key=did_key)
    assert caught.value.code == code


def test_verify_rejects_a_document_that_is_not_an_object() -> None:
    with pytest.raises(CryptoError) as caught:
        verify(["not", "a", "credential"], resolve_key=did_key)  # type: ignore[arg-type]
    assert caught.value.code == "malformed_proof"


def test_a_genuine_credential_is_checked_again_by_pyld_alone_before_it_is_called_forged(
    signed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the pyoxigraph path ever write a foreign document apart from PyLD, the signature made over
    # PyLD's bytes still verifies: the verifier canonicalises again by PyLD alone before refusing.
    assert canonicalize(signed, reference=True) == canonicalize(signed)
    monkeypatch.setattr(rdfc_native, "canonical_nquads", lambda expanded: "<urn:x> <urn:y> <urn:z> .\n")
    assert verify(signed, resolve_key=did_key)["type"] == "DataIntegrityProof"
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Autre chose"
    with pytest.raises(CryptoError, match="does not verify"):
        verify(tampered, resolve_key=did_key)
