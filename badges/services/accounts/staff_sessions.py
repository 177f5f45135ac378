"""Staff sign-in sessions kept on the server: a random token in the cookie, a row (its hash) in staff_session.

A signed cookie alone cannot be taken back: a copy made before sign-out kept working until its limits.
Here every request looks its row up, so signing out, changing or resetting the password, and the
coordination disabling the account end the sessions at once, in every browser. Idle and absolute limits
are checked against the row's times.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from badges.models import StaffSession, User

# Activity is written at most once a minute: fewer writes, the same idle limit to the minute.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    lifetime: timedelta


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, *, user: User, limits: Limits, now: datetime) -> str:
    """A new session of this account; returns the token for the cookie (shown nowhere else)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(user=user, token_hash=_hash(token), created_at=now, seen_at=now))
    # Rows past the absolute limit are of no use any more: the table stays small.
    session.execute(delete(StaffSession).where(StaffSession.created_at < now - limits.lifetime))
    return token


def resolve(session: Session, token: str, *, limits: Limits, now: datetime) -> User | None:
    """The active account of a live session, or None (ended, expired, unknown, account disabled)."""
    row = session.scalars(select(StaffSession).where(StaffSession.token_hash == _hash(token))).first()
    if row is None or row.ended_at is not None or not row.user.is_active:
        return None
    if now - row.seen_at > limits.idle or now - row.created_at > limits.lifetime:
        row.ended_at = now
        return None
    if now - row.seen_at >= TOUCH_EVERY:
        row.seen_at = now
    return row.user


def end(session: Session, token: str, *, now: datetime) -> None:
    """Sign-out: this session only."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_all(session: Session, *, user: User, now: datetime) -> None:
    """Every session of the account, in every browser (password changed or reset, account disabled)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=now)
    )
