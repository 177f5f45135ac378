"""DID Authentication: a holder's presentation signed for one challenge and one domain (VC-API exchanges).

Accepted proofs (VC Data Integrity 1.0 §2.1, §4): Ed25519Signature2020 (what the Learner Credential Wallet
signs with) and DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite. Both sign
sha256(canonical proof options) || sha256(canonical presentation), RDFC-1.0, the proof options taking the
presentation's @context (dataintegrity.hash_data), with an Ed25519 key named by `verificationMethod`.
"""

from __future__ import annotations

import hmac
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.services.crypto import CryptoError, dids
from badges.services.crypto.dataintegrity import decode_proof_value, hash_data

ED25519_2020 = "Ed25519Signature2020"
DATA_INTEGRITY = "DataIntegrityProof"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
# VC Data Integrity §3 (proof purposes): a holder proves control of its DID with "authentication".
AUTHENTICATION = "authentication"


def verify_did_auth(
    presentation: Any, *, challenge: str, domain: str, domain_optional: bool = False
) -> dids.HolderKey:
    """The holder's key when `presentation` is a VerifiablePresentation whose one proof, made by its
    holder's DID for `challenge` and `domain` with proofPurpose "authentication", verifies.

    CryptoError otherwise, with a code the exchange reports: malformed_presentation, unknown_key (holder not
    a did:key / did:jwk Ed25519 key), wrong_proof_purpose, wrong_challenge, wrong_domain, wrong_controller
    (the method is not the holder's), unknown_cryptosuite, malformed_proof, bad_signature.
    `domain_optional`: a proof without `domain` passes (the legacy DCC request signs the challenge only);
    a proof naming a domain must still name this one.
    """
    if not isinstance(presentation, dict) or "VerifiablePresentation" not in _as_list(
        presentation.get("type")
    ):
        raise CryptoError("malformed_presentation", "a VerifiablePresentation is expected")
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    key = dids.resolve(holder)
    if not isinstance(key.public_key, Ed25519PublicKey):
        raise CryptoError("unknown_key", "the holder's key must be Ed25519")
    proof = _single_proof(presentation.get("proof"))
    _check_binding(proof, key, challenge=challenge, domain=domain, domain_optional=domain_optional)
    signature = decode_proof_value(proof.get("proofValue"))
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in config and config["@context"] != presentation.get("@context"):
        raise CryptoError("malformed_proof", "the proof's @context differs from the presentation's")
    unsecured = {name: value for name, value in presentation.items() if name != "proof"}
    try:
        key.public_key.verify(signature, hash_data(unsecured, config))
    except InvalidSignature as exc:
        raise CryptoError("bad_signature", "the presentation's proof does not verify") from exc
    return key


def _check_binding(
    proof: dict[str, Any], key: dids.HolderKey, *, challenge: str, domain: str, domain_optional: bool
) -> None:
    if proof.get("proofPurpose") != AUTHENTICATION:
        raise CryptoError("wrong_proof_purpose", "proofPurpose must be authentication")
    given = proof.get("challenge")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), challenge.encode()):
        raise CryptoError("wrong_challenge", "the proof is not made for this exchange's challenge")
    # Data Integrity §2.1: domain is a string or a set of strings; it must name this service.
    if not (domain_optional and "domain" not in proof) and domain not in _as_list(proof.get("domain")):
        raise CryptoError("wrong_domain", "the proof is not made for this service's domain")
    if not key.names_method(proof.get("verificationMethod")):
        raise CryptoError("wrong_controller", "the proof's verification method is not the holder's")
    kind = proof.get("type")
    if kind == DATA_INTEGRITY and proof.get("cryptosuite") == EDDSA_RDFC_2022:
        return
    if kind != ED25519_2020:
        raise CryptoError("unknown_cryptosuite", "Ed25519Signature2020 or eddsa-rdfc-2022 expected")


def _single_proof(proof: Any) -> dict[str, Any]:
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise CryptoError("malformed_proof", "exactly one proof object is expected")
    return proof


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
