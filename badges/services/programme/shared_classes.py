"""Badge classes shared across the network: the creator shares or stops sharing, other tiers-lieux award.

A shared class stays its creator's (only the creator edits it); another tiers-lieu awards it under its own
name, keys and status list (credentials/issuance), and the credential's Achievement stays the creator's.
A shared class is awarded by hand (staff page or API); grids award it by its rules only once the tiers-lieu
names it in one of its pathways (badge_classes.auto_awarded): issuing in a tiers-lieu's name by rules written
elsewhere must be that tiers-lieu's own choice. A pathway badge is never shared (its rule names the
creator's pathway and badges).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from badges.models import BadgeClass, Credential, Issuer
from badges.services.programme import badge_classes, pathway_badges
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.messages import N_, message

NOT_SHARED = message(
    "shared_class.not_shared",
    N_("Ce badge appartient à un autre tiers-lieu, qui ne le partage pas : vous ne pouvez pas le délivrer."),
)
CHOOSE_ACTION = message(
    "shared_class.action", N_("Choisissez : partager le badge, ou arrêter de le partager.")
)
PATHWAY_NOT_SHARED = message(
    "shared_class.pathway",
    N_("Un badge de parcours ne peut pas être partagé : il dépend des ateliers de votre tiers-lieu."),
)


def share(session: Session, *, badge: BadgeClass, now: datetime) -> None:
    """Share a class of one's own with the network (the caller found it with badge_classes.for_issuer)."""
    if pathway_badges.rule_of(session, badge) is not None:
        raise InvalidInput({"shared": PATHWAY_NOT_SHARED})
    if badge.shared_at is None:
        badge.shared_at = now


def stop_sharing(badge: BadgeClass) -> None:
    """No new award by another tiers-lieu from now on; the awards made stay valid (nothing is revoked)."""
    badge.shared_at = None


def for_awarding(session: Session, *, issuer: Issuer, public_id: str) -> BadgeClass:
    """A class this tiers-lieu may award: its own, or one another tiers-lieu shares now.

    A class of another tiers-lieu that is not shared (or no longer) is refused as a field error: its id is
    no secret (it names the public /achievements/<id> of every badge awarded from it)."""
    try:
        return badge_classes.for_issuer(session, issuer=issuer, public_id=public_id)
    except NotFound:
        found = badge_classes.in_scope(session, public_id=public_id, issuer_ids=None)
    if found.shared_at is None:
        raise InvalidInput({"badge_class": NOT_SHARED})
    return found


def shared_query(*, but_of: Collection[int] | None) -> Select[BadgeClass]:
    """The classes shared now, but those of the tiers-lieux `but_of` (None: every one), by name; their
    creator and revisions loaded with them (a listing reads both for each class)."""
    query = select(BadgeClass).where(BadgeClass.shared_at.is_not(None))
    if but_of is not None:
        query = query.where(BadgeClass.issuer_id.not_in(list(but_of)))
    return query.order_by(BadgeClass.name, BadgeClass.id).options(
        selectinload(BadgeClass.issuer), selectinload(BadgeClass.revisions)
    )


def shared_by_others(session: Session, issuer: Issuer) -> list[BadgeClass]:
    """Classes other tiers-lieux share now, by name: what this tiers-lieu may award besides its own."""
    return list(session.scalars(shared_query(but_of=[issuer.id])))


@dataclass(frozen=True)
class SharedRow:
    """A class of another tiers-lieu in this tiers-lieu's catalogue."""

    id: str
    name: str
    level: str
    creator: str
    awarded_here: int


def catalogue(session: Session, issuer: Issuer) -> list[SharedRow]:
    """The shared classes of the network, with how many this tiers-lieu awarded."""
    found = shared_by_others(session, issuer)
    counts = _counts(session, [b.id for b in found], issuer_id=issuer.id)
    return [
        SharedRow(
            id=b.public_id,
            name=b.name,
            level=b.level,
            creator=b.issuer.name,
            awarded_here=counts.get(b.id, 0),
        )
        for b in found
    ]


def _counts(session: Session, class_ids: list[int], *, issuer_id: int) -> dict[int, int]:
    if not class_ids:
        return {}
    rows = session.execute(
        select(Credential.badge_class_id, func.count())
        .where(Credential.badge_class_id.in_(class_ids), Credential.issuer_id == issuer_id)
        .group_by(Credential.badge_class_id)
    )
    return {class_id: count for class_id, count in rows}
