"""Issuer status lists: random index allocation and the signed BitstringStatusListCredential.

The row lock, the index allocation and the signed list are shared with endorsers' lists (endorsers.py).
Every change of a list's bits goes through `lock` then `sign_list`, in one transaction: the signed list is
derived from the revoked set read under the list's lock, so concurrent revocations cannot lose a bit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Credential, Issuer, StatusList
from badges.services.credentials import signing_keys
from badges.services.credentials.links import Links
from badges.services.crypto import dataintegrity, statuslist
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges import ob3
from badges.services.shared import row_locks

MAX_ALLOCATION_TRIES = 64


def list_for(session: Session, issuer: Issuer) -> StatusList:
    """The issuer's current revocation list (created with the issuer)."""
    found = session.scalars(
        select(StatusList).where(StatusList.issuer_id == issuer.id).order_by(StatusList.number.desc())
    ).first()
    if found is None:
        found = StatusList(issuer=issuer, number=1)
        session.add(found)
        session.flush()
    return found


def allocate_index(session: Session, status_list: StatusList) -> int:
    """A random free index, so neighbouring entries reveal nothing about each other (issue 3).

    The unique constraint (status_list_id, status_index) is the real guard against a race.
    """
    return random_free_index(
        status_list.size,
        lambda index: (
            session.scalar(
                select(Credential.id).where(
                    Credential.status_list_id == status_list.id, Credential.status_index == index
                )
            )
            is not None
        ),
    )


def random_free_index(size: int, taken: Callable[[int], bool]) -> int:
    """A random index of a list of `size` that `taken` says is free (badges' lists, endorsers' lists)."""
    for _ in range(MAX_ALLOCATION_TRIES):
        index = secrets.randbelow(size)
        if not taken(index):
            return index
    raise RuntimeError("status list is full: add a new list")


def lock(session: Session, status_list_id: int) -> StatusList:
    """Take the list's write lock, held until the transaction ends, and return the list as committed."""
    return row_locks.lock_row(session, StatusList, StatusList.id == status_list_id, touch=StatusList.number)


def revoked_indexes(session: Session, status_list: StatusList) -> list[int]:
    return list(
        session.scalars(
            select(Credential.status_index).where(
                Credential.status_list_id == status_list.id, Credential.revoked_at.is_not(None)
            )
        )
    )


def sign_list(
    session: Session, keyring: Keyring, *, status_list: StatusList, links: Links, now: datetime
) -> None:
    """Re-sign the list with the issuer's Ed25519 key; called on creation and whenever a bit changes.

    The bits are those of the revoked set read after taking the list's lock (a no-op when the caller
    already holds it), never a set read earlier in the transaction.
    """
    status_list = lock(session, status_list.id)
    issuer = status_list.issuer
    key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.ED25519)
    status_list.signed_credential = signed_list(
        keyring,
        revoked=revoked_indexes(session, status_list),
        size=status_list.size,
        list_url=links.status_list(issuer.slug, status_list.number),
        owner_id=links.issuer(issuer.slug),
        key_id=key.public_id,
        method=links.ed25519_method(issuer.slug, key.public_id),
        now=now,
    )
    status_list.signed_at = now


def signed_list(
    keyring: Keyring,
    *,
    revoked: list[int],
    size: int,
    list_url: str,
    owner_id: str,
    key_id: str,
    method: str,
    now: datetime,
) -> str:
    """A BitstringStatusListCredential with these bits set, signed eddsa-rdfc-2022 by the owner's key, as
    stored and served (an issuer's list or an endorser's)."""
    unsigned = ob3.status_list_credential(
        list_url=list_url,
        issuer_id=owner_id,
        encoded_list=statuslist.encode(revoked, size),
        valid_from=now,
    )
    signed = dataintegrity.sign(
        unsigned,
        sign_bytes=lambda data: keyring.sign(key_id, data),
        verification_method=method,
        created=now,
    )
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def signed_with_key_in_force(session: Session, status_list: StatusList, *, links: Links) -> bool:
    """The list's signature is by the issuer's Ed25519 key in force (after a key change, it must be
    signed again until it is)."""
    if not status_list.signed_credential:
        return False
    proofs = json.loads(status_list.signed_credential).get("proof") or []
    proofs = proofs if isinstance(proofs, list) else [proofs]
    issuer = status_list.issuer
    key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.ED25519)
    method = links.ed25519_method(issuer.slug, key.public_id)
    return [proof.get("verificationMethod") for proof in proofs if isinstance(proof, dict)] == [method]
