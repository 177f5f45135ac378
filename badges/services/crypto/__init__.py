"""Key material, signatures and proofs: the only package that imports cryptography and jwt."""

from __future__ import annotations


class CryptoError(Exception):
    """A signature, proof, token or key was refused; ``code`` is a short stable machine code.

    Codes: bad_signature, unsupported_algorithm, unknown_cryptosuite, wrong_proof_purpose, malformed_proof,
    canonicalization_failed, malformed_token, claims_mismatch, forbidden_header, unknown_key, private_jwk,
    weak_key, invalid_kid, key_exists, bad_passphrase.
    """

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
