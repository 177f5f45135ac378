"""Review flags: a lower result behind an issued badge goes to staff, who resolve it (never a revocation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Credential, ReviewFlag, User
from badges.services.shared import lookup
from badges.services.shared.errors import Conflict
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import Fields

FLAG_NOT_FOUND = message("review.not_found", N_("Signalement introuvable."))
FLAG_RESOLVED = message("review.resolved", N_("Ce signalement est déjà traité."))

# A long backlog is listed by pages of the oldest: nobody reviews more than this in one sitting.
MAX_LISTED = 200


def flag_in_scope(session: Session, public_id: str, issuer_ids: list[int] | None) -> ReviewFlag:
    return lookup.find_owned(
        session,
        ReviewFlag,
        public_id,
        owner=Credential.issuer_id,
        join=[Credential],
        issuer_ids=issuer_ids,
        message=FLAG_NOT_FOUND,
    )


def resolve(flag: ReviewFlag, *, by: User, data: dict[str, Any], now: datetime) -> ReviewFlag:
    if flag.resolved_at is not None:
        raise Conflict(FLAG_RESOLVED)
    fields = Fields(data)
    note = fields.text("note", max_len=500, required=False)
    fields.check()
    flag.resolved_at, flag.resolved_by_id, flag.resolution_note = now, by.id, note
    return flag


def flags_of(session: Session, *, issuer_id: int, resolved: bool) -> list[ReviewFlag]:
    """The tiers-lieu's flags still to review (oldest first), or those already reviewed (newest first)."""
    query = select(ReviewFlag).join(Credential).where(Credential.issuer_id == issuer_id)
    if resolved:
        query = query.where(ReviewFlag.resolved_at.is_not(None)).order_by(ReviewFlag.resolved_at.desc())
    else:
        query = query.where(ReviewFlag.resolved_at.is_(None)).order_by(ReviewFlag.created_at, ReviewFlag.id)
    return list(session.scalars(query.limit(MAX_LISTED)))


def open_count(session: Session, *, issuer_id: int) -> int:
    query = (
        select(func.count(ReviewFlag.id))
        .join(Credential)
        .where(Credential.issuer_id == issuer_id, ReviewFlag.resolved_at.is_(None))
    )
    return int(session.scalar(query) or 0)


class FlagRow(TypedDict):
    """A review flag as the staff screens and the API show it."""

    id: str
    award: str
    badge: str
    beneficiary: str | None
    competency: str
    previous: str
    new: str
    created_at: datetime
    revoked: bool
    resolved_at: datetime | None
    resolved_by: str | None
    note: str


def flag_row(flag: ReviewFlag) -> FlagRow:
    """What the staff screens show of a flag (plain values; the beneficiary may have been erased)."""
    credential, competency = flag.credential, flag.competency
    return {
        "id": flag.public_id,
        "award": credential.public_id,
        "badge": credential.badge_class.name,
        "beneficiary": credential.beneficiary.display_name if credential.beneficiary else None,
        "competency": f"{competency.code} {competency.title}",
        "previous": flag.previous_result,
        "new": flag.new_result,
        "created_at": flag.created_at,
        "revoked": credential.revoked_at is not None,
        "resolved_at": flag.resolved_at,
        "resolved_by": flag.resolved_by.name if flag.resolved_by else None,
        "note": flag.resolution_note,
    }
