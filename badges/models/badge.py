"""Badge classes (the OB 2.0 BadgeClass / OB 3.0 Achievement a tiers-lieu awards)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
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
    __tablename__ = "badge_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria_narrative: Mapped[str] = mapped_column(Text)
    # Local level scale N1-N4 (domain guide §6).
    level: Mapped[str] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    image_png: Mapped[bytes] = mapped_column()
    # Internal beneficiary profile this class is meant for: never serialised into a badge.
    profile: Mapped[str | None] = mapped_column(String(40))
    validity_days: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
    competencies: Mapped[list[Competency]] = relationship(secondary=badge_class_competency)
