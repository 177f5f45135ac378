"""Tiers-lieux as issuers: creation with their keys and status list, lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Issuer, SigningKey
from badges.services.credentials import revocation, signing_keys, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import BAD_DEPARTMENT, DEPARTMENT_RE, SLUG_RE, Fields

BAD_SLUG = message(
    "issuer.bad_slug", N_("Identifiant attendu : lettres minuscules, chiffres et tirets (64 au plus).")
)
SLUG_TAKEN = message("issuer.slug_taken", N_("Cet identifiant est déjà pris."))
ISSUER_NOT_FOUND = message("issuer.not_found", N_("Tiers-lieu introuvable."))


def validate(data: dict[str, Any]) -> dict[str, Any]:
    fields = Fields(data)
    values = {
        "slug": fields.pattern("slug", SLUG_RE, BAD_SLUG),
        "name": fields.text("name", max_len=200),
        "url": fields.url("url"),
        "email": fields.email("email"),
        "department": fields.pattern("department", DEPARTMENT_RE, BAD_DEPARTMENT, required=False),
        "description": fields.text("description", max_len=2000, required=False),
    }
    fields.check()
    return values


def create_issuer(
    session: Session, keyring: Keyring, *, data: dict[str, Any], links: Links, now: datetime
) -> Issuer:
    """Create a tiers-lieu with an Ed25519 key, an RSA-2048 key and a signed, empty status list."""
    values = validate(data)
    if session.scalar(select(Issuer.id).where(Issuer.slug == values["slug"])) is not None:
        raise InvalidInput({"slug": SLUG_TAKEN})
    issuer = Issuer(created_at=now, **values)
    session.add(issuer)
    for algorithm in signing_keys.ALGORITHMS:
        signing_keys.create_key(session, keyring, issuer=issuer, algorithm=algorithm, now=now)
    session.flush()
    status_list = status_lists.list_for(session, issuer)
    status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)
    return issuer


def compromise_key(
    session: Session,
    keyring: Keyring,
    *,
    key: SigningKey,
    since: datetime,
    links: Links,
    now: datetime,
    resign: bool = True,
) -> SigningKey | None:
    """Distrust the key from `since`; replace it if it was in force and re-sign the status lists
    (unless `resign` is False: the caller queues that as a job, jobs/keys.py).

    Returns the replacement key, if one was needed.
    """
    was_in_force = key.retired_at is None and key.compromised_at is None
    signing_keys.mark_compromised(key, since=since, now=now)
    replacement = None
    if was_in_force:
        replacement = signing_keys.create_key(
            session, keyring, issuer=key.issuer, algorithm=key.algorithm, now=now
        )
        session.flush()
    if resign:
        revocation.resign_issuer_lists(session, keyring, issuer_id=key.issuer_id, links=links, now=now)
    return replacement


def by_slug(session: Session, slug: str) -> Issuer:
    issuer = session.scalars(select(Issuer).where(Issuer.slug == slug)).first()
    if issuer is None:
        raise NotFound(ISSUER_NOT_FOUND)
    return issuer


def all_issuers(session: Session) -> list[Issuer]:
    return list(session.scalars(select(Issuer).order_by(Issuer.name)))


def update_issuer(issuer: Issuer, *, data: dict[str, Any]) -> Issuer:
    """Change the public profile (name, web site, e-mail, description); the slug names every credential
    already issued, so it never changes. Nothing is written unless every field is valid."""
    fields = Fields(data)
    values = {
        "name": fields.text("name", max_len=200),
        "url": fields.url("url"),
        "email": fields.email("email"),
        "description": fields.text("description", max_len=2000, required=False),
    }
    fields.check()
    for name, value in values.items():
        setattr(issuer, name, value)
    return issuer


def rotate_keys(
    session: Session, keyring: Keyring, *, issuer: Issuer, links: Links, now: datetime, resign: bool = True
) -> list[SigningKey]:
    """New keys sign from now on (the retired ones keep verifying); the status lists are signed again
    with the new key (here, or in a job when `resign` is False), so nothing published still depends on
    a retired key."""
    new_keys = signing_keys.rotate(session, keyring, issuer=issuer, now=now)
    session.flush()
    if resign:
        revocation.resign_issuer_lists(session, keyring, issuer_id=issuer.id, links=links, now=now)
    return new_keys
