"""A wallet for the tests: an Ed25519 did:key that signs DID-Authentication presentations, as the LCW does."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services.crypto.dataintegrity import hash_data
from badges.services.crypto.multibase import b58encode, ed25519_multibase

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
V2 = "https://www.w3.org/ns/credentials/v2"


@dataclass
class Wallet:
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def did(self) -> str:
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "did:key:" + ed25519_multibase(raw)

    @property
    def method(self) -> str:
        return f"{self.did}#{self.did[len('did:key:') :]}"

    def present(
        self,
        *,
        challenge: str,
        domain: str | list[str],
        suite: str = "Ed25519Signature2020",
        purpose: str = "authentication",
    ) -> dict[str, Any]:
        """A signed presentation; `suite` "Ed25519Signature2020" or "eddsa-rdfc-2022"."""
        contexts = [V2, ED25519_2020_CONTEXT] if suite == "Ed25519Signature2020" else [V2]
        presentation: dict[str, Any] = {
            "@context": contexts,
            "type": ["VerifiablePresentation"],
            "holder": self.did,
        }
        proof: dict[str, Any] = (
            {"type": "Ed25519Signature2020"}
            if suite == "Ed25519Signature2020"
            else {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}
        )
        proof.update(
            created="2026-03-12T10:00:00Z", verificationMethod=self.method, proofPurpose=purpose,
            challenge=challenge,
        )  # fmt: skip
        if domain is not None:
            proof["domain"] = domain
        signature = self.key.sign(hash_data(presentation, proof))
        return {**copy.deepcopy(presentation), "proof": {**proof, "proofValue": "z" + b58encode(signature)}}
