"""Pathways (parcours) of a tiers-lieu, enrolments, ateliers and attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.badge import BadgeClass
from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.framework import Competency
from badges.models.issuer import Issuer
from badges.models.user import Agency, User

pathway_badge_class = Table(
    "pathway_badge_class",
    Base.metadata,
    Column("pathway_id", ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True),
    Column("badge_class_id", ForeignKey("badge_class.id", ondelete="CASCADE"), primary_key=True),
)

atelier_competency = Table(
    "atelier_competency",
    Base.metadata,
    Column("atelier_id", ForeignKey("atelier.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competency.id", ondelete="RESTRICT"), primary_key=True),
)


class Pathway(PublicIdMixin, Base):
    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    title: Mapped[str] = mapped_column(String(200))
    # court, long, long_augmente (programme specification).
    type: Mapped[str] = mapped_column(String(20))
    # apprentissage_par_le_faire, professionnalisation, hybride_creatif.
    category: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Whole euros (issue 14): 5 000 / 10 000 / 15 000 by type unless edited (programme.budgets).
    budget_euros: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
    agency: Mapped[Agency | None] = relationship()
    counsellor: Mapped[User | None] = relationship()
    badge_classes: Mapped[list[BadgeClass]] = relationship(secondary=pathway_badge_class)
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="pathway", cascade="all, delete-orphan", passive_deletes=True
    )
    ateliers: Mapped[list[Atelier]] = relationship(
        back_populates="pathway", cascade="all, delete-orphan", passive_deletes=True
    )


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("pathway_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())

    pathway: Mapped[Pathway] = relationship(back_populates="enrolments")
    beneficiary: Mapped[Beneficiary] = relationship()


class Atelier(PublicIdMixin, Base):
    __tablename__ = "atelier"
    # The key figures of a period (issue 17, migration 0008).
    __table_args__ = (Index("ix_atelier_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column()
    duration_minutes: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    pathway: Mapped[Pathway] = relationship(back_populates="ateliers")
    # In a stable order (the frameworks' load order): the grid's columns never swap between two loads.
    competencies: Mapped[list[Competency]] = relationship(
        secondary=atelier_competency, order_by="Competency.id"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="atelier", cascade="all, delete-orphan", passive_deletes=True
    )


class Attendance(Base):
    __tablename__ = "attendance"

    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"), primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(
        ForeignKey("beneficiary.id", ondelete="CASCADE"), primary_key=True
    )
    present: Mapped[bool] = mapped_column(default=True)

    atelier: Mapped[Atelier] = relationship(back_populates="attendances")
    beneficiary: Mapped[Beneficiary] = relationship()
