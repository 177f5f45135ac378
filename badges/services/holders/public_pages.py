"""Plain values for the public HTML pages (templates never query)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Credential, Framework, Issuer
from badges.services.credentials import documents, endorsement_listing, revisions, sharing
from badges.services.credentials.links import Links
from badges.services.holders import badge_view
from badges.services.holders.badge_view import CredentialView, Download, NamedLink
from badges.services.openbadges.common import LEVEL_SCALE, AlignmentData, BadgeClassData
from badges.services.programme import frameworks
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
ISSUER_NOT_FOUND = message("issuer.not_found", N_("Tiers-lieu introuvable."))


class PublicBadge(CredentialView):
    downloads: list[Download]


class AchievementPage(TypedDict):
    name: str
    description: str
    criteria: str
    image: str
    level: str
    alignments: tuple[AlignmentData, ...]
    issuer: NamedLink
    endorsed_by: list[str]


class IssuerPage(TypedDict):
    name: str
    url: str
    email: str
    description: str
    badges: list[NamedLink]


class PublicAlignment(TypedDict):
    framework: str
    code: str
    title: str
    url: str | None


class PublicCompetency(TypedDict):
    code: str
    title: str
    area: str
    falc: str
    level: str | None
    level_label: str
    criteria: list[str]
    alignments: list[PublicAlignment]


class FrameworkPage(TypedDict):
    """A framework's public page (its internal profile left out)."""

    slug: str
    name: str
    version: str
    versions: list[str]
    description: str
    source_url: str | None
    competencies: list[PublicCompetency]


def credential_page(session: Session, links: Links, public_id: str, now: datetime) -> PublicBadge:
    """The public page of a badge; erased and private badges are not found (badge_view, sharing)."""
    credential = session.scalars(select(Credential).where(Credential.public_id == public_id)).first()
    if credential is None or not sharing.publicly_visible(session, credential):
        raise NotFound(BADGE_NOT_FOUND)
    return {
        **badge_view.credential_view(session, links, credential, now),
        "downloads": badge_view.downloads(private=False),
    }


def achievement_page(session: Session, links: Links, public_id: str) -> AchievementPage:
    revision = revisions.by_public_id(session, public_id)
    if revision is None:
        raise NotFound(BADGE_NOT_FOUND)
    data: BadgeClassData = documents.revision_data(revision, links)
    issuer = revision.badge_class.issuer
    return {
        "name": data.name,
        "description": data.description,
        "criteria": data.criteria_narrative,
        "image": data.image_url,
        "level": data.level,
        "alignments": data.alignments,
        "issuer": {"name": issuer.name, "url": links.issuer(issuer.slug)},
        "endorsed_by": endorsement_listing.endorsers_of(session, revision, issuer=issuer),
    }


def issuer_page(session: Session, links: Links, slug: str) -> IssuerPage:
    issuer = session.scalars(select(Issuer).where(Issuer.slug == slug)).first()
    if issuer is None:
        raise NotFound(ISSUER_NOT_FOUND)
    badges = session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name)
    )
    return {
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "badges": [
            {"name": b.name, "url": links.achievement(revisions.latest_of(b).public_id)} for b in badges
        ],
    }


def framework_page(session: Session, slug: str, links: Links | None = None) -> FrameworkPage:
    """The public page of a framework's latest version: one entry (and anchor) per competence code.

    The internal profile of a profile framework is deliberately left out.
    """
    framework: Framework = frameworks.latest(session, slug)
    levels = {code: label for code, label, _ in LEVEL_SCALE}
    return {
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "versions": frameworks.versions(session, slug),
        "description": framework.description,
        "source_url": framework.source_url,
        "competencies": [
            {
                "code": c.code,
                "title": c.title,
                "area": c.area,
                "falc": c.falc_description,
                "level": c.level,
                "level_label": levels.get(c.level or "", ""),
                "criteria": list(c.criteria or []),
                "alignments": [
                    {
                        "framework": a.target.framework.name,
                        "code": a.target.code,
                        "title": a.target.title,
                        "url": links.competency(a.target.framework.slug, a.target.code) if links else None,
                    }
                    for a in c.alignments
                ],
            }
            for c in framework.competencies
        ],
    }
