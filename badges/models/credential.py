"""Awards (both documents stored exactly as signed, never re-serialised), pending awards and review flags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.badge import BadgeClass, BadgeRevision
from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.framework import Competency
from badges.models.issuer import Issuer
from badges.models.status import StatusList
from badges.models.user import User


class Credential(PublicIdMixin, Base):
    __tablename__ = "credential"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        # Exactly one award per beneficiary and badge class (erased awards have no beneficiary).
        UniqueConstraint("badge_class_id", "beneficiary_id"),
        Index("ix_credential_issuer_issued", "issuer_id", "issued_at"),
        # Issue 17, "Scale on PostgreSQL" (migration 0008): the key figures of a period read badges issued
        # or revoked in it, whatever the tiers-lieu; re-signing a status list reads its revoked entries only
        # (a few hundred among up to 131,072); a beneficiary's badges (holder pages, erasure's SET NULL).
        Index("ix_credential_issued_at", "issued_at"),
        Index("ix_credential_revoked_at", "revoked_at"),
        Index(
            "ix_credential_revoked_entries",
            "status_list_id",
            "status_index",
            postgresql_where=text("revoked_at IS NOT NULL"),
            sqlite_where=text("revoked_at IS NOT NULL"),
        ),
        Index("ix_credential_beneficiary", "beneficiary_id"),
        # Issue 14 (migration 0009): the key figures count a badge in the period it was awarded.
        Index("ix_credential_awarded_at", "awarded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    badge_class_id: Mapped[int] = mapped_column(ForeignKey("badge_class.id"))
    # The published state of the class the documents point to (frozen from then on).
    revision_id: Mapped[int] = mapped_column(ForeignKey("badge_revision.id"))
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id", ondelete="SET NULL"))
    # The signing date (OB 3.0 validFrom, proof created).
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The award date (OB 3.0 awardedDate, OB 2.0 issuedOn): the day of the evaluation that completed the
    # rule (programme.award_dates), earlier than issued_at when a programme is entered after the fact.
    # None only on rows made before migration 0009 filled it (then read issued_at).
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Signing keys used, so rotation and compromise can be judged per credential.
    ed25519_key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"))
    rsa_key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"))
    ob2_assertion: Mapped[str | None] = mapped_column(Text)
    ob3_credential: Mapped[str | None] = mapped_column(Text)
    # eddsa-rdfc-2022 hash data of ob3_credential (64 bytes), kept with the SHA-256 of the exact text it was
    # computed from: verifying the very same credential reuses it instead of canonicalising again (issue 17).
    ob3_hash_data: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    ob3_hash_source: Mapped[str | None] = mapped_column(String(64))
    # Signed on first request (OB 2.0 JWS, OB 3.0 VC-JWT), then stored and served as is.
    ob2_signed: Mapped[str | None] = mapped_column(Text)
    ob3_jwt: Mapped[str | None] = mapped_column(Text)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    status_index: Mapped[int] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(String(300))
    # Set on erasure: the documents are gone, only the revocation entry remains.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
    badge_class: Mapped[BadgeClass] = relationship()
    revision: Mapped[BadgeRevision] = relationship()
    beneficiary: Mapped[Beneficiary | None] = relationship()
    status_list: Mapped[StatusList] = relationship()


class PendingAward(PublicIdMixin, Base):
    """A badge earned by a beneficiary who has not consented yet: issued when consent is recorded."""

    __tablename__ = "pending_award"
    __table_args__ = (UniqueConstraint("badge_class_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_class_id: Mapped[int] = mapped_column(ForeignKey("badge_class.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    badge_class: Mapped[BadgeClass] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()


class ReviewFlag(PublicIdMixin, Base):
    """A later evaluation lowered a result behind an issued badge: staff review it (never a revocation)."""

    __tablename__ = "review_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"))
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation.id", ondelete="SET NULL"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id", ondelete="CASCADE"))
    previous_result: Mapped[str] = mapped_column(String(2))
    new_result: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    resolution_note: Mapped[str] = mapped_column(String(500), default="")

    credential: Mapped[Credential] = relationship()
    competency: Mapped[Competency] = relationship()
    resolved_by: Mapped[User | None] = relationship()
