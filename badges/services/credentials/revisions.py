"""Badge class revisions: the published states behind /achievements/<id> and /ob2/badges/<id>.

A revision is edited in place until a credential points to it; from then on it is frozen and the next
edit publishes a new revision with its own public id. An earlier credential's links therefore keep
resolving to exactly what it was issued with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, BadgeRevision, Competency, Credential, Endorsement, PathwayBadge
from badges.models.base import new_public_id


def _target(competency: Competency) -> dict[str, str]:
    return {
        "name": competency.title,
        "framework": competency.framework.name,
        "slug": competency.framework.slug,
        "code": competency.code,
        "description": competency.falc_description,
    }


def alignments_of(competencies: list[Competency]) -> list[dict[str, str]]:
    """Each competence's own page, then, for profile frameworks, the reference competences it maps to."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for competency in competencies:
        targets = [competency]
        if competency.framework.kind != "reference":
            targets += [a.target for a in competency.alignments]
        for target in targets:
            found.setdefault((target.framework.slug, target.code), _target(target))
    return list(found.values())


def current(session: Session, badge: BadgeClass, *, lock: str | None = None) -> BadgeRevision | None:
    """The latest revision; `lock` "share" (issuing) or "update" (editing) serialises both on PostgreSQL."""
    query = (
        select(BadgeRevision)
        .where(BadgeRevision.badge_class_id == badge.id)
        .order_by(BadgeRevision.number.desc())
        .limit(1)
    )
    if lock is not None:
        query = query.with_for_update(read=lock == "share").execution_options(populate_existing=True)
    return session.scalars(query).first()


def issued_from(session: Session, revision: BadgeRevision) -> bool:
    return (
        session.scalar(select(Credential.id).where(Credential.revision_id == revision.id).limit(1))
        is not None
    )


def endorsed(session: Session, revision: BadgeRevision) -> bool:
    """An endorsement was given for exactly this text: an edit publishes a new revision, which the endorser
    has not vouched for (issue 16). A withdrawn one too: its signed subject keeps naming this text."""
    found = select(Endorsement.id).where(Endorsement.badge_revision_id == revision.id).limit(1)
    return session.scalar(found) is not None


def pathway_of(session: Session, badge: BadgeClass) -> dict[str, Any] | None:
    """A pathway badge as published: the pathway's title, how many components are needed, and each one."""
    rule = session.get(PathwayBadge, badge.id) if badge.id is not None else None
    if rule is None:
        return None
    return {
        "pathway": rule.pathway.title,
        "at_least": rule.at_least,
        "components": [{"id": c.public_id, "name": c.name} for c in rule.components],
    }


def _snapshot(session: Session, badge: BadgeClass) -> dict[str, Any]:
    return {
        "pathway": pathway_of(session, badge),
        "name": badge.name,
        "description": badge.description,
        "criteria_narrative": badge.criteria_narrative,
        "level": badge.level,
        "tags": list(badge.tags or []),
        "alignments": alignments_of(list(badge.competencies)),
        "image_png": badge.image_png,
    }


def publish(session: Session, badge: BadgeClass, *, now: datetime) -> BadgeRevision:
    """Make the published state match the class (the caller flushed the class first)."""
    snapshot = _snapshot(session, badge)
    revision = current(session, badge, lock="update") if badge.id is not None else None
    if revision is not None and not issued_from(session, revision) and not endorsed(session, revision):
        for name, value in snapshot.items():
            setattr(revision, name, value)
        return revision
    number = 1 if revision is None else revision.number + 1
    # Revision 1 shares the class's public id, so the class's first links are its first revision's.
    revision = BadgeRevision(
        public_id=badge.public_id if number == 1 else new_public_id(),
        number=number,
        created_at=now,
        **snapshot,
    )
    badge.revisions.append(revision)
    return revision


def by_public_id(session: Session, public_id: str) -> BadgeRevision | None:
    return session.scalars(select(BadgeRevision).where(BadgeRevision.public_id == public_id)).first()


def latest_of(badge: BadgeClass) -> BadgeRevision:
    """The latest revision of a loaded class (every class is published when created)."""
    return badge.revisions[-1]
