"""Stored Data Integrity hash data for credentials issued before migration 0006 (issue 17).

Verifying an own badge reuses the eddsa-rdfc-2022 hash data stored with it (credential.ob3_hash_data, with
the SHA-256 of the text it belongs to in ob3_hash_source). Credentials issued before 0006 have none and are
canonicalised on every verification. This computes it once for them, by batches the caller commits. Hash
data is stored only when the credential's own signature verifies over it with its stored Ed25519 key: the
register never vouches for a canonicalisation that does not match what was signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from badges.models import Credential, SigningKey
from badges.services.crypto import CryptoError, dataintegrity
from badges.services.crypto.multibase import ed25519_from_multibase


@dataclass(frozen=True)
class Batch:
    """What one batch did; `last_id` is where the next one starts (None: nothing was left)."""

    filled: int
    refused: list[str]  # public ids whose stored proof does not verify: left without hash data
    last_id: int | None


def missing(session: Session, *, after_id: int = 0, limit: int = 200) -> list[Credential]:
    """Credentials with a stored OB 3.0 document and no (or a stale) hash data, in id order."""
    query = (
        select(Credential)
        .where(
            Credential.id > after_id,
            Credential.ob3_credential.is_not(None),
            or_(Credential.ob3_hash_data.is_(None), Credential.ob3_hash_source.is_(None)),
        )
        .order_by(Credential.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def _hash_data(session: Session, credential: Credential) -> bytes | None:
    """The credential's hash data if its signature verifies over it with its stored key, else None."""
    assert credential.ob3_credential is not None
    key = session.get(SigningKey, credential.ed25519_key_id)
    if key is None or key.public_multibase is None:
        return None
    document = json.loads(credential.ob3_credential)
    proofs = document.get("proof") if isinstance(document, dict) else None
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    if not isinstance(proof, dict):
        return None
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    data = dataintegrity.hash_data(unsecured, config)
    public_key = ed25519_from_multibase(key.public_multibase)
    try:
        dataintegrity.verify(document, resolve_key=lambda _method: public_key, known_hash_data=data)
    except CryptoError:
        return None
    return data


def fill_batch(session: Session, *, after_id: int = 0, limit: int = 200) -> Batch:
    """Compute and store the hash data of the next `limit` credentials lacking it; the caller commits."""
    found = missing(session, after_id=after_id, limit=limit)
    filled, refused = 0, []
    for credential in found:
        data = _hash_data(session, credential)
        if data is None:
            refused.append(credential.public_id)
            continue
        assert credential.ob3_credential is not None
        credential.ob3_hash_data = data
        credential.ob3_hash_source = dataintegrity.text_digest(credential.ob3_credential)
        filled += 1
    session.flush()
    return Batch(filled, refused, found[-1].id if found else None)
