"""Read-sides of endorsements: what an endorser may vouch for, what it gave, who vouches for a badge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from badges.models import BadgeClass, BadgeRevision, Endorsement, Issuer, User
from badges.services.credentials import endorsements


@dataclass(frozen=True)
class TargetOption:
    """One thing to endorse in the staff form: `value` is "issuer:<slug>" or "badge_class:<public id>"."""

    value: str
    kind: str
    name: str
    place: str


@dataclass(frozen=True)
class GivenRow:
    id: str
    kind: str
    name: str
    place: str
    comment: str
    created_at: datetime
    withdrawn: bool


def targets(session: Session) -> list[TargetOption]:
    """Every tiers-lieu, then every badge class, by name."""
    places = session.scalars(select(Issuer).order_by(Issuer.name))
    options = [TargetOption(f"issuer:{p.slug}", "issuer", p.name, p.name) for p in places]
    classes = session.scalars(
        select(BadgeClass)
        .join(BadgeClass.issuer)
        .options(contains_eager(BadgeClass.issuer))
        .order_by(Issuer.name, BadgeClass.name)
    )
    options += [
        TargetOption(f"badge_class:{b.public_id}", "badge_class", b.name, b.issuer.name) for b in classes
    ]
    return options


def given_query(actor: User) -> Select[Endorsement]:
    """The endorsements of the actor's endorser, newest first, with what a listing shows of each (staff
    page, API) loaded in the same statement."""
    revision = joinedload(Endorsement.badge_revision)
    return (
        select(Endorsement)
        .where(endorsements.given_by(actor))
        .options(
            joinedload(Endorsement.endorser),
            joinedload(Endorsement.issuer),
            revision.joinedload(BadgeRevision.badge_class).joinedload(BadgeClass.issuer),
        )
        .order_by(Endorsement.created_at.desc(), Endorsement.id.desc())
    )


def given(session: Session, actor: User) -> list[GivenRow]:
    """The endorsements of the actor's endorser, newest first."""
    return [_row(row) for row in session.scalars(given_query(actor))]


def _row(row: Endorsement) -> GivenRow:
    if row.issuer is not None:
        kind, name, place = "issuer", row.issuer.name, row.issuer.name
    else:
        assert row.badge_revision is not None
        revision = row.badge_revision
        kind, name, place = "badge_class", revision.name, revision.badge_class.issuer.name
    return GivenRow(
        row.public_id, kind, name, place, row.comment, row.created_at, row.withdrawn_at is not None
    )


def endorsers_of(session: Session, revision: BadgeRevision, *, issuer: Issuer | None = None) -> list[str]:
    """Who vouches for this revision of a badge (and, given, for its tiers-lieu): their names, oldest first,
    each once; one plain line on the badge's pages."""
    rows = endorsements.active_for_revision(session, revision)
    if issuer is not None:
        rows += endorsements.active_for_issuer(session, issuer)
    return list(dict.fromkeys(row.endorser.name for row in rows))
