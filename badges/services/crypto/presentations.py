"""DID Authentication: a holder's presentation signed for one challenge and one domain (VC-API exchanges).

Accepted proofs (VC Data Integrity 1.0 §2.1, §4): Ed25519Signature2020 (what the Learner Credential Wallet
signs with) and DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite. Both sign
sha256(canonical proof options) || sha256(canonical presentation), RDFC-1.0, the proof options taking the
presentation's @context, with an Ed25519 key named by `verificationMethod`: dataintegrity.verify checks
it, this module only which proofs a holder may make.
"""

from __future__ import annotations

import hmac
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.services.crypto import CryptoError, dataintegrity, dids

ED25519_2020 = "Ed25519Signature2020"
DATA_INTEGRITY = dataintegrity.PROOF_TYPE
EDDSA_RDFC_2022 = dataintegrity.CRYPTOSUITE
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
    public_key = key.public_key
    dataintegrity.verify(
        presentation,
        resolve_key=lambda _method: public_key.public_bytes_raw(),
        check_proof=lambda proof: _check_binding(
            proof, key, challenge=challenge, domain=domain, domain_optional=domain_optional
        ),
    )
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


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
