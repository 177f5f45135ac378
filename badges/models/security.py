"""Failed sign-in and password-reset attempts, counted in the database so every worker sees them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from badges.models.base import Base, UTCDateTime


class LoginAttempt(Base):
    """One refused attempt; rows older than the throttling window are deleted as new ones arrive."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email", "kind", "email_hash", "created_at"),
        Index("ix_login_attempt_ip", "kind", "ip", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "login" (wrong password), "reset" (a reset e-mail asked for) or "claim" (an unknown claim code).
    kind: Mapped[str] = mapped_column(String(10))
    # SHA-256 of the e-mail typed, lower-cased: mistyped addresses of other people are not kept in clear
    # (empty for "claim", counted per address only).
    email_hash: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
