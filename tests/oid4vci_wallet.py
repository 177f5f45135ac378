"""A minimal OpenID4VCI holder for the web tests: keys, DIDs and jwt key proofs (OpenID4VCI 1.0 F.1)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from badges.services.crypto.multibase import b58encode


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64_json(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


@dataclass
class Holder:
    """An Ed25519 (EdDSA) or P-256 (ES256) key and its did:key."""

    curve: str = "Ed25519"
    key: Any = field(init=False)

    def __post_init__(self) -> None:
        self.key = (
            Ed25519PrivateKey.generate()
            if self.curve == "Ed25519"
            else ec.generate_private_key(ec.SECP256R1())
        )

    @property
    def alg(self) -> str:
        return "EdDSA" if self.curve == "Ed25519" else "ES256"

    @property
    def did(self) -> str:
        public = self.key.public_key()
        if self.curve == "Ed25519":
            raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return "did:key:z" + b58encode(b"\xed\x01" + raw)
        point = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
        return "did:key:z" + b58encode(b"\x80\x24" + point)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    @property
    def jwk(self) -> dict[str, str]:
        public = self.key.public_key()
        if self.curve == "Ed25519":
            raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}
        numbers = public.public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x.to_bytes(32, "big")),
                "y": b64(numbers.y.to_bytes(32, "big"))}  # fmt: skip

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        signing_input = f"{b64_json(header)}.{b64_json(payload)}".encode()
        if self.curve == "Ed25519":
            signature = self.key.sign(signing_input)
        else:
            r, s = decode_dss_signature(self.key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return f"{signing_input.decode()}.{b64(signature)}"

    def proof(
        self, *, aud: str, nonce: str | None, iat: int, header: dict | None = None, **claims: Any
    ) -> str:
        head = {"typ": "openid4vci-proof+jwt", "alg": self.alg, "kid": self.kid} if header is None else header
        payload: dict[str, Any] = {"aud": aud, "iat": iat, **claims}
        if nonce is not None:
            payload["nonce"] = nonce
        return self.sign(head, payload)
