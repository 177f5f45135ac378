"""Issuer status lists: random index allocation and the signed BitstringStatusListCredential."""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Credential, Issuer, StatusList
from badges.services import keys as key_service
from badges.services.crypto import dataintegrity, statuslist
from badges.services.crypto.keys import Keyring
from badges.services.links import Links
from badges.services.openbadges import ob3

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
    for _ in range(MAX_ALLOCATION_TRIES):
        index = secrets.randbelow(status_list.size)
        taken = session.scalar(
            select(Credential.id).where(
                Credential.status_list_id == status_list.id, Credential.status_index == index
            )
        )
        if taken is None:
            return index
    raise RuntimeError("status list is full: add a new list")


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
    """Re-sign the list with the issuer's Ed25519 key; called on creation and whenever a bit changes."""
    issuer = status_list.issuer
    url = links.status_list(issuer.slug, status_list.number)
    encoded = statuslist.encode(revoked_indexes(session, status_list), status_list.size)
    unsigned = ob3.status_list_credential(
        list_url=url, issuer_id=links.issuer(issuer.slug), encoded_list=encoded, valid_from=now
    )
    key = key_service.signing_key(session, issuer=issuer, algorithm=key_service.ED25519)
    signed = dataintegrity.sign(
        unsigned,
        sign_bytes=lambda data: keyring.sign(key.public_id, data),
        verification_method=links.ed25519_method(issuer.slug, key.public_id),
        created=now,
    )
    status_list.signed_credential = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    status_list.signed_at = now
