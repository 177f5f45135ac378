"""Endorsers: the network's coordination and each partner agency, each with its own https id, Ed25519 key
and status list, published like an issuer's (issue 16). Endorsements themselves: credentials/endorsements.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Agency, Endorsement, Endorser, EndorserKey
from badges.models.base import new_public_id
from badges.services.credentials import status_lists
from badges.services.credentials.links import Links
from badges.services.crypto import dataintegrity
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges import ob2, ob3
from badges.services.openbadges.common import IssuerData
from badges.services.shared import row_locks

NETWORK_SLUG = "coordination"


def network_endorser(
    session: Session, keyring: Keyring, *, name: str, email: str, links: Links, now: datetime
) -> Endorser:
    """The coordination of the network, created with its key and status list on first use."""
    return _get_or_create(
        session,
        keyring,
        select(Endorser).where(Endorser.slug == NETWORK_SLUG),
        Endorser(slug=NETWORK_SLUG, name=name, url=links.endorser(NETWORK_SLUG), email=email, agency=None),
        links=links,
        now=now,
    )


def agency_endorser(
    session: Session, keyring: Keyring, *, agency: Agency, email: str, links: Links, now: datetime
) -> Endorser:
    """A partner agency as an endorser (named as the agency is), created on its first endorsement."""
    slug = f"agence-{agency.public_id}"
    return _get_or_create(
        session,
        keyring,
        select(Endorser).where(Endorser.agency_id == agency.id),
        Endorser(slug=slug, name=agency.name, url=links.endorser(slug), email=email, agency=agency),
        links=links,
        now=now,
    )


def _get_or_create(
    session: Session,
    keyring: Keyring,
    query: Select[Endorser],
    new: Endorser,
    *,
    links: Links,
    now: datetime,
) -> Endorser:
    """The endorser the query finds, else `new` stored with its key and signed status list.

    Two first endorsements at once: the unique slug (and agency) settle it, the loser's insert is undone
    in its savepoint and it takes the winner's endorser; the key is made only once the row is in.
    """
    found = session.scalars(query).first()
    if found is not None:
        return found
    new.created_at = now
    try:
        with session.begin_nested():
            session.add(new)
    except IntegrityError:
        return session.scalars(query).one()
    key_id = new_public_id()
    info = keyring.generate("Ed25519", key_id)
    session.add(
        EndorserKey(public_id=key_id, endorser=new, public_multibase=info.multibase or "", created_at=now)
    )
    session.flush()
    sign_status_list(session, keyring, endorser=new, links=links, now=now)
    return new


def by_slug(session: Session, slug: str) -> Endorser | None:
    return session.scalars(select(Endorser).where(Endorser.slug == slug)).first()


def keys(session: Session, endorser: Endorser) -> list[EndorserKey]:
    return list(
        session.scalars(
            select(EndorserKey)
            .where(EndorserKey.endorser_id == endorser.id)
            .order_by(EndorserKey.created_at, EndorserKey.id)
        )
    )


def signing_key(session: Session, endorser: Endorser) -> EndorserKey:
    """The newest key signs; earlier ones stay published and keep verifying."""
    return keys(session, endorser)[-1]


def profile_data(endorser: Endorser, links: Links) -> IssuerData:
    return IssuerData(
        id=links.endorser(endorser.slug), name=endorser.name, url=endorser.url, email=endorser.email
    )


def sign(
    session: Session, keyring: Keyring, *, endorser: Endorser, unsigned: dict, links: Links, now: datetime
) -> dict:
    """A Data Integrity eddsa-rdfc-2022 proof by the endorser's key in force."""
    key = signing_key(session, endorser)
    return dataintegrity.sign(
        unsigned,
        sign_bytes=lambda data: keyring.sign(key.public_id, data),
        verification_method=links.endorser_key(endorser.slug, key.public_id),
        created=now,
    )


def lock(session: Session, endorser: Endorser) -> None:
    """Serialise changes of one endorser's endorsements and list (as an issuer's list is locked)."""
    row_locks.lock_row(session, Endorser, Endorser.id == endorser.id, touch=Endorser.slug)


def sign_status_list(
    session: Session, keyring: Keyring, *, endorser: Endorser, links: Links, now: datetime
) -> None:
    """Re-sign the endorser's BitstringStatusListCredential from the withdrawn set read under its lock."""
    lock(session, endorser)
    withdrawn = session.scalars(
        select(Endorsement.status_index).where(
            Endorsement.endorser_id == endorser.id, Endorsement.withdrawn_at.is_not(None)
        )
    )
    key = signing_key(session, endorser)
    endorser.status_list = status_lists.signed_list(
        keyring,
        revoked=list(withdrawn),
        size=endorser.status_list_size,
        list_url=links.endorser_status(endorser.slug),
        owner_id=links.endorser(endorser.slug),
        key_id=key.public_id,
        method=links.endorser_key(endorser.slug, key.public_id),
        now=now,
    )


def methods(session: Session, endorser: Endorser, links: Links) -> list[dict]:
    controller = links.endorser(endorser.slug)
    return [
        ob3.multikey(
            method_id=links.endorser_key(endorser.slug, key.public_id),
            controller=controller,
            public_multibase=key.public_multibase,
            revoked=None,
        )
        for key in keys(session, endorser)
    ]


def controller_document(session: Session, endorser: Endorser, links: Links) -> dict:
    return ob3.controller_document(
        issuer=profile_data(endorser, links), methods=methods(session, endorser, links)
    )


def ob2_profile(endorser: Endorser, links: Links) -> dict:
    """The OB 2.0 Profile named as `issuer` by the endorser's hosted endorsements."""
    data = profile_data(endorser, links)
    return {
        "@context": ob2.CONTEXT,
        "type": "Profile",
        "id": links.ob2_endorser(endorser.slug),
        "name": data.name,
        "url": data.url,
        "email": data.email,
    }
