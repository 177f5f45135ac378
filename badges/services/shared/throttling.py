"""Throttling of sign-in and reset requests: attempts counted per e-mail and per IP address (a sign-in is
counted before its password is checked, and forgotten when it succeeds); and of claim-code guessing on the
public pages (/verifier, /code/…): unknown codes counted per IP address.

The counts live in the database (table login_attempt), so they hold across gunicorn workers and restarts.
Limits per e-mail stop password guessing on one account; the higher limit per address stops one machine
trying many accounts without locking out a tiers-lieu whose staff share one public IP address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from badges.models import LoginAttempt


@dataclass(frozen=True)
class Limit:
    per_email: int | None  # None: counted per address only
    per_ip: int
    window: timedelta


LOGIN = "login"
RESET = "reset"
CLAIM = "claim"
WALLET = "wallet"
LIMITS = {
    # OWASP Authentication Cheat Sheet: lock after a few failures, for a limited time.
    LOGIN: Limit(per_email=5, per_ip=20, window=timedelta(minutes=15)),
    # Reset e-mails: enough for a lost message, not enough to flood someone's mailbox.
    RESET: Limit(per_email=3, per_ip=10, window=timedelta(minutes=15)),
    # Unknown claim codes: room for many typing mistakes (an agency's counsellors behind one address),
    # none for walking through the 60-bit code space.
    CLAIM: Limit(per_email=None, per_ip=30, window=timedelta(minutes=15)),
    # Wallets (issue 15), both protocols: LCW exchanges refused for an unknown offer or a bad proof, unknown
    # OpenID4VCI offers and codes. As for the claim codes.
    WALLET: Limit(per_email=None, per_ip=30, window=timedelta(minutes=15)),
}
# PostgreSQL advisory lock keys (any fixed numbers, unique to this use), one per kind of attempt.
_LOCK_KEYS = {LOGIN: 7_301_001, RESET: 7_301_002, CLAIM: 7_301_003, WALLET: 7_301_004}
# Rows are kept this long at most (then purged): the window, plus a margin for clock changes.
KEEP = timedelta(days=1)


def email_hash(email: str | None) -> str:
    """The e-mail's SHA-256; empty when the kind is counted per address only."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest() if email is not None else ""


def blocked(session: Session, *, kind: str, email: str | None, ip: str, now: datetime) -> bool:
    """True when the e-mail or the address has used up its attempts in the current window."""
    limit = LIMITS[kind]
    since = now - limit.window
    recent = select(func.count()).select_from(LoginAttempt)
    recent = recent.where(LoginAttempt.kind == kind, LoginAttempt.created_at > since)
    if limit.per_email is not None and email is not None:
        by_email = session.scalar(recent.where(LoginAttempt.email_hash == email_hash(email))) or 0
        if by_email >= limit.per_email:
            return True
    by_ip = session.scalar(recent.where(LoginAttempt.ip == ip)) or 0
    return by_ip >= limit.per_ip


def _under(limit: int, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    count = select(func.count()).select_from(LoginAttempt).where(*where).scalar_subquery()
    return count < limit


def reserve(session: Session, *, kind: str, email: str | None, ip: str, now: datetime) -> bool:
    """Count this attempt if the limits leave room for it, in one statement; False when blocked.

    Called before the password is checked, and committed at once by the caller: the count and the new row
    are one atomic step, so parallel attempts cannot all read "4 of 5" and all go on to check a password.
    SQLite takes its write lock at the start of the INSERT (the reads inside it see every commit before);
    PostgreSQL, in READ COMMITTED, needs a lock per kind for the same (held until the caller's commit).
    """
    limit, since = LIMITS[kind], now - LIMITS[kind].window
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEYS[kind]})
    recent = (LoginAttempt.kind == kind, LoginAttempt.created_at > since)
    room = [_under(limit.per_ip, *recent, LoginAttempt.ip == ip[:45])]
    if limit.per_email is not None and email is not None:
        room.append(_under(limit.per_email, *recent, LoginAttempt.email_hash == email_hash(email)))
    values = select(
        literal(kind),
        literal(email_hash(email)),
        literal(ip[:45]),
        literal(now, LoginAttempt.created_at.type),
    )
    statement = insert(LoginAttempt).from_select(
        ["kind", "email_hash", "ip", "created_at"], values.where(and_(*room))
    )
    # RETURNING tells whether the row went in (rowcount is not reported for INSERT ... SELECT everywhere).
    counted = session.execute(statement.returning(LoginAttempt.id)).first() is not None
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP))
    return counted


def record(session: Session, *, kind: str, email: str | None, ip: str, now: datetime) -> None:
    """Count one attempt; old rows go at the same time, so the table stays small."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - KEEP))
    session.add(LoginAttempt(kind=kind, email_hash=email_hash(email), ip=ip[:45], created_at=now))


def forget(session: Session, *, kind: str, email: str) -> None:
    """After a successful sign-in the account's count starts again (the address's count does not)."""
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.kind == kind, LoginAttempt.email_hash == email_hash(email))
    )
