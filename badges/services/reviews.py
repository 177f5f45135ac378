"""Review flags: a lower result behind an issued badge goes to staff, who resolve it (never a revocation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Credential, ReviewFlag, User
from badges.services.errors import Conflict, NotFound
from badges.services.validation import Fields


def flag_in_scope(session: Session, public_id: str, issuer_ids: list[int] | None) -> ReviewFlag:
    query = select(ReviewFlag).join(Credential).where(ReviewFlag.public_id == public_id)
    if issuer_ids is not None:
        query = query.where(Credential.issuer_id.in_(issuer_ids))
    found = session.scalars(query).first()
    if found is None:
        raise NotFound("Signalement introuvable.")
    return found


def resolve(flag: ReviewFlag, *, by: User, data: dict[str, Any], now: datetime) -> ReviewFlag:
    if flag.resolved_at is not None:
        raise Conflict("Ce signalement est déjà traité.")
    fields = Fields(data)
    note = fields.text("note", max_len=500, required=False)
    fields.check()
    flag.resolved_at, flag.resolved_by_id, flag.resolution_note = now, by.id, note
    return flag
