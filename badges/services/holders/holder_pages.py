"""The beneficiary's own pages: all their badges, one badge with its sharing settings (plain values)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Credential
from badges.services.credentials import formats, sharing
from badges.services.credentials.links import Links
from badges.services.holders import badge_view
from badges.services.holders.badge_view import CredentialView, Download
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))


class BadgeRow(TypedDict):
    id: str
    name: str
    image: str
    issuer: str
    issued_at: datetime
    status: str
    private: bool


class HolderHome(TypedDict):
    name: str
    badges: list[BadgeRow]


class ShareLinkRow(TypedDict):
    id: str
    label: str
    expires_at: datetime


class SharedBadge(CredentialView):
    """A badge as a share link or a claim code shows it."""

    private: bool
    downloads: list[Download]


class HolderBadge(SharedBadge):
    """The holder's own view of a badge, with its sharing settings."""

    share_links: list[ShareLinkRow]
    durations: tuple[str, ...]
    default_duration: str


def owned(session: Session, beneficiary: Beneficiary, credential_id: str) -> Credential:
    """One of the person's own badges; erased ones (and anyone else's) are not found."""
    found = session.scalars(
        select(Credential).where(
            Credential.public_id == credential_id,
            Credential.beneficiary_id == beneficiary.id,
            Credential.erased_at.is_(None),
        )
    ).first()
    if found is None:
        raise NotFound(BADGE_NOT_FOUND)
    return found


def home(session: Session, beneficiary: Beneficiary, now: datetime) -> HolderHome:
    credentials = session.scalars(
        select(Credential)
        .where(Credential.beneficiary_id == beneficiary.id, Credential.erased_at.is_(None))
        .order_by(Credential.issued_at.desc(), Credential.id.desc())
    )
    badges: list[BadgeRow] = []
    for credential in credentials:
        if credential.ob3_credential is None:
            continue
        achievement = json.loads(credential.ob3_credential)["credentialSubject"]["achievement"]
        badges.append(
            {
                "id": credential.public_id,
                "name": achievement["name"],
                "image": achievement["image"]["id"],
                "issuer": credential.issuer.name,
                "issued_at": credential.awarded_at or credential.issued_at,
                "status": badge_view.status(credential, now),
                "private": sharing.is_private(session, credential),
            }
        )
    return {"name": beneficiary.display_name, "badges": badges}


def badge(session: Session, links: Links, credential: Credential, now: datetime) -> HolderBadge:
    """The holder's view of one badge: the badge page, who may see it, and the share links running."""
    settings = sharing.settings_of(session, credential)
    private = settings is not None and settings.private
    view = badge_view.credential_view(session, links, credential, now)
    if settings is not None and private:
        # Its address no longer answers: the claim code (on the certificate) still verifies it.
        view["verify_url"] = badge_view.verifier_url(links, code=settings.claim_code)
    return {
        **view,
        "private": private,
        "downloads": badge_view.downloads(
            private=private, signed_ob2=formats.signed_ob2_possible(credential)
        ),
        "share_links": [
            {"id": link.public_id, "label": link.label, "expires_at": link.expires_at}
            for link in sharing.active_links(session, credential=credential, now=now)
        ],
        "durations": sharing.DURATIONS,
        "default_duration": sharing.DEFAULT_DURATION,
    }


def shared_badge(
    session: Session, links: Links, credential: Credential, now: datetime, *, verify_url: str
) -> SharedBadge:
    """What a share link or a claim code shows: the badge, and files that verify without its address."""
    private = sharing.is_private(session, credential)
    return {
        **badge_view.credential_view(session, links, credential, now),
        "verify_url": verify_url,
        "private": private,
        "downloads": badge_view.downloads(
            private=private, signed_ob2=formats.signed_ob2_possible(credential)
        ),
    }
