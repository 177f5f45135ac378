"""Endorsers (the coordination, partner agencies), their keys and the endorsements they sign (issue 16)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.badge import BadgeRevision
from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.issuer import Issuer
from badges.models.status import STATUS_LIST_SIZE
from badges.models.user import Agency, User


class Endorser(PublicIdMixin, Base):
    """Who vouches: the network's coordination (no agency) or one partner agency, with its own https id."""

    __tablename__ = "endorser"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    email: Mapped[str] = mapped_column(String(254))
    # None for the coordination of the network; one endorser per agency.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), unique=True)
    status_list_size: Mapped[int] = mapped_column(default=STATUS_LIST_SIZE)
    # The signed BitstringStatusListCredential of its endorsements, re-signed when one is withdrawn.
    status_list: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agency: Mapped[Agency | None] = relationship()


class EndorserKey(PublicIdMixin, Base):
    """The public half of an endorser's Ed25519 key (the private half lives in keys/, like an issuer's)."""

    __tablename__ = "endorser_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("endorser.id", ondelete="CASCADE"), index=True)
    public_multibase: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    endorser: Mapped[Endorser] = relationship()


class Endorsement(PublicIdMixin, Base):
    """One signed endorsement of a tiers-lieu or of one revision of a badge class; withdrawn = revoked."""

    __tablename__ = "endorsement"
    __table_args__ = (
        UniqueConstraint("endorser_id", "status_index"),
        # Exactly one target: a tiers-lieu or a badge class revision, never both nor neither.
        CheckConstraint("(issuer_id IS NULL) <> (badge_revision_id IS NULL)", name="one_target"),
        Index("ix_endorsement_revision", "badge_revision_id"),
        Index("ix_endorsement_issuer", "issuer_id"),
        # One active endorsement per endorser and target: two requests at once cannot both endorse (the
        # loser's insert fails and is told "already"); a withdrawn one does not stop endorsing again.
        Index(
            "uq_endorsement_active_issuer",
            "endorser_id",
            "issuer_id",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
        Index(
            "uq_endorsement_active_revision",
            "endorser_id",
            "badge_revision_id",
            unique=True,
            postgresql_where=text("withdrawn_at IS NULL"),
            sqlite_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endorser_id: Mapped[int] = mapped_column(ForeignKey("endorser.id"))
    # Exactly one of the two: the tiers-lieu (its issuer profile) or the badge class revision endorsed.
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("issuer.id"))
    badge_revision_id: Mapped[int | None] = mapped_column(ForeignKey("badge_revision.id", ondelete="CASCADE"))
    comment: Mapped[str] = mapped_column(String(300))
    status_index: Mapped[int] = mapped_column()
    # The EndorsementCredential exactly as signed: served and listed as is, never re-serialised.
    ob3_credential: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    endorser: Mapped[Endorser] = relationship()
    issuer: Mapped[Issuer | None] = relationship()
    badge_revision: Mapped[BadgeRevision | None] = relationship()
    created_by: Mapped[User | None] = relationship()
