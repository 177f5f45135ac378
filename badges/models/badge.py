"""Badge classes (the OB 2.0 BadgeClass / OB 3.0 Achievement a tiers-lieu awards) and their revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.framework import Competency
from badges.models.issuer import Issuer

badge_class_competency = Table(
    "badge_class_competency",
    Base.metadata,
    Column("badge_class_id", ForeignKey("badge_class.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competency.id", ondelete="RESTRICT"), primary_key=True),
)


class BadgeClass(PublicIdMixin, Base):
    """What staff edit. Its published form is the latest BadgeRevision; earlier ones stay as issued."""

    __tablename__ = "badge_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria_narrative: Mapped[str] = mapped_column(Text)
    # Composed from the competences and rules when staff gave none: recomposed when they change.
    criteria_composed: Mapped[bool] = mapped_column(default=False)
    # Local level scale N1-N4 (docs/domain.md#D-level-scale).
    level: Mapped[str] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    image_png: Mapped[bytes] = mapped_column()
    # An uploaded image is kept on edits; a drawn one is redrawn from the new title and level.
    image_uploaded: Mapped[bool] = mapped_column(default=False)
    # Internal beneficiary profile this class is meant for: never serialised into a badge.
    profile: Mapped[str | None] = mapped_column(String(40))
    validity_days: Mapped[int | None] = mapped_column()
    # Issuance rules, combined with AND: [{"type": "competences_acquired", ...}, ...] (programme/rules.py).
    rule: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Shared with the network since then: other tiers-lieux award it under their own name and keys
    # (services/programme/sharing.py); None: only its own tiers-lieu awards it.
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
    competencies: Mapped[list[Competency]] = relationship(secondary=badge_class_competency)
    revisions: Mapped[list[BadgeRevision]] = relationship(
        back_populates="badge_class", cascade="all, delete-orphan", order_by="BadgeRevision.number"
    )


class BadgeRevision(PublicIdMixin, Base):
    """A published state of a badge class, frozen once a credential points to it.

    Its public id names /achievements/<id> and /ob2/badges/<id>; revision 1 shares the class's public id.
    """

    __tablename__ = "badge_revision"
    __table_args__ = (UniqueConstraint("badge_class_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_class_id: Mapped[int] = mapped_column(ForeignKey("badge_class.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria_narrative: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Alignment targets as published: [{"name", "framework", "slug", "code", "description"}].
    alignments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # A pathway badge as published: {"pathway": title, "at_least": n | None, "components": [{"id": class
    # public id, "name"}]} (services/credentials/revisions.py); None for any other badge.
    pathway: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    image_png: Mapped[bytes] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    badge_class: Mapped[BadgeClass] = relationship(back_populates="revisions")
