"""Shared badge classes across the network: how many each tiers-lieu awarded in the period.

A class counts as shared when its creator shares it now, or when another tiers-lieu awarded it (sharing
may have stopped since: those awards stay valid, so they stay counted). Awards are dated as in the key
figures (the award date, else the signing date), revoked ones included (they were awarded).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypedDict

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from badges.models import BadgeClass, Credential, Issuer
from badges.services.reporting.scope import Period


class PlaceCount(TypedDict):
    tiers_lieu: str
    awarded: int


class SharedClassFigures(TypedDict):
    id: str
    name: str
    creator: str
    shared: bool
    total: int
    by_tiers_lieu: list[PlaceCount]


def _awarded_elsewhere() -> ColumnElement[bool]:
    other = aliased(Credential)
    return (
        select(other.id)
        .where(other.badge_class_id == BadgeClass.id, other.issuer_id != BadgeClass.issuer_id)
        .exists()
    )


def shared_classes(session: Session, creator_ids: list[int] | None) -> list[BadgeClass]:
    """Classes shared now or awarded by another tiers-lieu, of these creators (None: every tiers-lieu), with
    their creator read in the same statement (not one more per creator)."""
    query = (
        select(BadgeClass)
        .join(BadgeClass.issuer)
        .options(contains_eager(BadgeClass.issuer))
        .where(or_(BadgeClass.shared_at.is_not(None), _awarded_elsewhere()))
    )
    if creator_ids is not None:
        query = query.where(BadgeClass.issuer_id.in_(creator_ids))
    return list(session.scalars(query.order_by(BadgeClass.name, BadgeClass.id)))


def shared_figures(
    session: Session, *, period: Period, creator_ids: list[int] | None
) -> list[SharedClassFigures]:
    """Per shared class, the awards of the period by awarding tiers-lieu (most first, then by name)."""
    classes = shared_classes(session, creator_ids)
    if not classes:
        return []
    start, end = period.bounds()
    rows = session.execute(
        select(Credential.badge_class_id, Issuer.name, func.count())
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .where(
            Credential.badge_class_id.in_([c.id for c in classes]),
            or_(
                and_(Credential.awarded_at >= start, Credential.awarded_at < end),
                and_(
                    Credential.awarded_at.is_(None), Credential.issued_at >= start, Credential.issued_at < end
                ),
            ),
        )
        .group_by(Credential.badge_class_id, Issuer.name)
    )
    places: dict[int, list[PlaceCount]] = defaultdict(list)
    for class_id, place, count in rows:
        places[class_id].append({"tiers_lieu": place, "awarded": count})
    return [
        {
            "id": c.public_id,
            "name": c.name,
            "creator": c.issuer.name,
            "shared": c.shared_at is not None,
            "total": sum(p["awarded"] for p in places[c.id]),
            "by_tiers_lieu": sorted(places[c.id], key=lambda p: (-p["awarded"], p["tiers_lieu"])),
        }
        for c in classes
    ]
