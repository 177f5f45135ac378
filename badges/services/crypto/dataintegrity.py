"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (docs/standards.md#S-data-integrity)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld.jsonld import JsonLdError

from badges.services.crypto import CryptoError
from badges.services.crypto.multibase import b58decode, b58encode
from badges.services.crypto.rdfc import canonicalize

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"
# "z" + base58btc of a 64-byte signature is at most 89 characters; longer values are refused before decoding.
_MAX_PROOF_VALUE_CHARS = 100


def sign(
    document: dict[str, Any],
    *,
    sign_bytes: Callable[[bytes], bytes],
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """A new dict: the document with ``"proof": [proof]`` (an array, as the OB 3.0 schema requires,
    docs/standards.md#S-data-integrity)."""
    signed, _ = sign_with_hash_data(
        document, sign_bytes=sign_bytes, verification_method=verification_method, created=created
    )
    return signed


def sign_with_hash_data(
    document: dict[str, Any],
    *,
    sign_bytes: Callable[[bytes], bytes],
    verification_method: str,
    created: datetime,
) -> tuple[dict[str, Any], bytes]:
    """``sign``, and the hash data that was signed: verifying the same document again may reuse it."""
    if "proof" in document:
        raise ValueError("the document already has a proof")
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    # Last signing step (docs/standards.md#S-data-integrity): the proof is the configuration without @context,
    # plus proofValue.
    data = hash_data(document, config)
    proof = {**config, "proofValue": "z" + b58encode(sign_bytes(data))}
    return {**copy.deepcopy(document), "proof": [proof]}, data


def text_digest(text: str) -> str:
    """SHA-256 (hex) of a stored document's exact text: what stored hash data is valid for."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_data(unsecured: dict[str, Any], proof_config: dict[str, Any], *, reference: bool = False) -> bytes:
    """sha256(canonical proof config) || sha256(canonical document): 64 bytes, proof first
    (docs/standards.md#S-data-integrity). `reference`: canonicalised by PyLD alone (rdfc.canonicalize)."""
    # The proof configuration is canonicalised with the document's @context
    # (docs/standards.md#S-data-integrity).
    config = {**proof_config, "@context": unsecured.get("@context")}
    try:
        proof_canon = canonicalize(config, reference=reference)
        document_canon = canonicalize(unsecured, reference=reference)
    except JsonLdError as exc:
        raise CryptoError("canonicalization_failed", "the document cannot be canonicalized") from exc
    if not proof_canon or not document_canon:
        # Without a usable @context nothing would be signed: every such document would share one hash.
        raise CryptoError("canonicalization_failed", "the document or its proof canonicalizes to nothing")
    return (
        hashlib.sha256(proof_canon.encode("utf-8")).digest()
        + hashlib.sha256(document_canon.encode("utf-8")).digest()
    )


def verify(
    document: dict[str, Any],
    *,
    resolve_key: Callable[[str], bytes],
    known_hash_data: bytes | None = None,
    check_proof: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The proof of a document whose eddsa-rdfc-2022 signature verifies; CryptoError otherwise
    (docs/standards.md#S-data-integrity).

    ``resolve_key(verificationMethod)`` returns the raw 32-byte Ed25519 public key, after checking that the
    key's controller is the issuer; its CryptoError("unknown_key") propagates. ``known_hash_data`` is the
    caller's word that this exact document was canonicalised before (the hash data ``sign_with_hash_data``
    returned for it): canonicalisation is skipped, the signature is still checked. ``check_proof(proof)``
    raises CryptoError unless the proof's options are acceptable; by default, an eddsa-rdfc-2022
    DataIntegrityProof for assertionMethod (a holder's presentation checks its own: purpose, challenge...).
    """
    if not isinstance(document, dict):
        raise CryptoError("malformed_proof", "the document is not a JSON object")
    proof = _single_proof(document.get("proof"))
    (check_proof or _check_proof_options)(proof)
    signature = decode_proof_value(proof.get("proofValue"))
    if "@context" in proof and proof["@context"] != document.get("@context"):
        # vc-di-eddsa would then verify the document under the proof's (prefix) context: refuse rather than
        # check something other than what the verifier shows.
        raise CryptoError("malformed_proof", "the proof's @context differs from the document's")
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    data = known_hash_data if known_hash_data is not None else hash_data(unsecured, config)
    public_key = _public_key(resolve_key, proof["verificationMethod"])
    if _signed(public_key, signature, data):
        return proof
    # The pyoxigraph path and PyLD agree on every shape tested; a document they might still write apart is
    # canonicalised again by PyLD alone before it is called forged (a genuine badge is never called a fake).
    if known_hash_data is None and _signed(
        public_key, signature, hash_data(unsecured, config, reference=True)
    ):
        return proof
    raise CryptoError("bad_signature", "the proof does not verify")


def _public_key(resolve_key: Callable[[str], bytes], method: Any) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(resolve_key(method))
    except ValueError as exc:
        raise CryptoError("unknown_key", "the verification method is not an Ed25519 key") from exc


def _signed(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def _single_proof(proof: Any) -> dict[str, Any]:
    # The spec's test vector uses an object, the OB 3.0 schema an array of one
    # (docs/standards.md#S-data-integrity): both verify.
    if isinstance(proof, list):
        if len(proof) != 1:
            raise CryptoError("malformed_proof", f"expected exactly one proof, found {len(proof)}")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise CryptoError("malformed_proof", "no proof object")
    return proof


def _check_proof_options(proof: dict[str, Any]) -> None:
    if proof.get("type") != PROOF_TYPE:
        raise CryptoError("malformed_proof", f"proof type must be {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise CryptoError("unknown_cryptosuite", f"cryptosuite {proof.get('cryptosuite')!r} is not supported")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise CryptoError("wrong_proof_purpose", f"proofPurpose must be {PROOF_PURPOSE}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise CryptoError("malformed_proof", "verificationMethod must be a string")


def decode_proof_value(value: Any) -> bytes:
    """The Ed25519 signature in a proofValue (base58btc, 64 bytes): Data Integrity and 2020 proofs."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > _MAX_PROOF_VALUE_CHARS:
        raise CryptoError("malformed_proof", "proofValue must be a base58btc multibase string")
    try:
        signature = b58decode(value[1:])
    except ValueError as exc:
        raise CryptoError("malformed_proof", "proofValue is not base58btc") from exc
    if len(signature) != 64:
        raise CryptoError("malformed_proof", "an Ed25519 signature is 64 bytes")
    return signature
