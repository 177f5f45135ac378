"""Staff accounts, partner agencies, API tokens and sign-in sessions (only a hash of each token is stored)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.issuer import Issuer


class Agency(PublicIdMixin, Base):
    """A partner agency whose counsellors refer job seekers to pathways."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Role(StrEnum):
    COORDINATOR = "coordinator"
    STAFF = "staff"
    COUNSELLOR = "counsellor"


class User(PublicIdMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("issuer.id"))
    # A counsellor belongs to a partner agency (France Travail, mission locale, ...).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # sha256 hex of the token: a leaked database does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")


class StaffSession(Base):
    """One signed-in browser; the cookie holds the token, so ending the row ends the session at once."""

    __tablename__ = "staff_session"
    __table_args__ = (Index("ix_staff_session_user", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # sha256 hex of the cookie's token: a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by sign-out, a password change or reset, and the coordination disabling the account.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
