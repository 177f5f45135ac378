"""Pathway badges (badges de parcours): a class awarded for a whole pathway, and what each award rests on."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.badge import BadgeClass
from badges.models.base import Base
from badges.models.credential import Credential
from badges.models.pathway import Pathway

pathway_badge_component = Table(
    "pathway_badge_component",
    Base.metadata,
    Column(
        "pathway_badge_id", ForeignKey("pathway_badge.badge_class_id", ondelete="CASCADE"), primary_key=True
    ),
    # A component is never deleted from under a pathway badge: staff remove it from the pathway badge first.
    Column("badge_class_id", ForeignKey("badge_class.id", ondelete="RESTRICT"), primary_key=True),
)


class PathwayBadge(Base):
    """The rule of a pathway badge: the chosen component classes (all, or `at_least` of them), and the
    attendance at the pathway's own ateliers (`min_ateliers`, `min_hours`, when given)."""

    __tablename__ = "pathway_badge"

    badge_class_id: Mapped[int] = mapped_column(
        ForeignKey("badge_class.id", ondelete="CASCADE"), primary_key=True
    )
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"), index=True)
    at_least: Mapped[int | None] = mapped_column()
    min_ateliers: Mapped[int | None] = mapped_column()
    min_hours: Mapped[int | None] = mapped_column()

    badge_class: Mapped[BadgeClass] = relationship()
    pathway: Mapped[Pathway] = relationship()
    components: Mapped[list[BadgeClass]] = relationship(
        secondary=pathway_badge_component, order_by="BadgeClass.name"
    )


class CredentialBasis(Base):
    """An award that rests on another one (a pathway badge on its component badges): revoking the basis
    revokes the award resting on it (credentials/revocation.py)."""

    __tablename__ = "credential_basis"

    credential_id: Mapped[int] = mapped_column(
        ForeignKey("credential.id", ondelete="CASCADE"), primary_key=True
    )
    basis_id: Mapped[int] = mapped_column(
        ForeignKey("credential.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    credential: Mapped[Credential] = relationship(foreign_keys=[credential_id])
    basis: Mapped[Credential] = relationship(foreign_keys=[basis_id])
