"""Competency frameworks (référentiels), their competences and the alignments between competences."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base


class Framework(Base):
    __tablename__ = "framework"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public and neutral: it is part of every alignment URL (never a profile label).
    slug: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # "reference" (Pix CRCN, DigComp) or "profile" (a beneficiary-profile card built on them).
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(String(500))
    # Internal profile a "profile" framework is built for: staff views and aggregates only.
    profile: Mapped[str | None] = mapped_column(String(40))

    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Competency.position"
    )

    @property
    def short_name(self) -> str:
        """The name staff read next to a code: "Pix" for "Pix / CRCN", "Parcours Autonomie" for
        "Parcours Autonomie : candidater…" (what comes before the first « / » or « : »)."""
        return self.name.split(":")[0].split("/")[0].strip() or self.slug


class Competency(Base):
    __tablename__ = "competency"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    # Public code and anchor of the framework page (e.g. "2.1", "D-06").
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    # Domain / area the competence belongs to (e.g. "Communication et collaboration").
    area: Mapped[str] = mapped_column(String(200), default="")
    # First-person FALC sentence for beneficiaries ("Je sais ...").
    falc_description: Mapped[str] = mapped_column(Text, default="")
    # Expected level on the local scale N1-N4 (docs/domain.md#D-level-scale); reference frameworks have none.
    level: Mapped[str | None] = mapped_column(String(2))
    # Observable criteria the médiateur ticks during a session.
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="competencies")
    alignments: Mapped[list[CompetencyAlignment]] = relationship(
        back_populates="competency",
        foreign_keys="CompetencyAlignment.competency_id",
        cascade="all, delete-orphan",
        order_by="CompetencyAlignment.position",
    )

    @property
    def ref(self) -> str:
        """How the API names a competence: `<framework slug>:<code>`."""
        return f"{self.framework.slug}:{self.code}"

    @property
    def short_label(self) -> str:
        """How staff screens name a competence briefly: "Pix 2.1"."""
        return f"{self.framework.short_name} {self.code}"

    @property
    def label(self) -> str:
        """How staff screens name a competence in full: "Pix 2.1 Interagir"."""
        return f"{self.short_label} {self.title}"


class CompetencyAlignment(Base):
    """A competence of one framework mapped to a competence of another (e.g. D-06 -> Pix 2.1)."""

    __tablename__ = "competency_alignment"

    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competency.id", ondelete="CASCADE"), primary_key=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("competency.id", ondelete="RESTRICT"), primary_key=True)
    # "principal" or "secondaire", as in the reference proposals (docs/domain.md#D-frameworks-data).
    role: Mapped[str] = mapped_column(String(12), default="principal")
    position: Mapped[int] = mapped_column(default=0)

    competency: Mapped[Competency] = relationship(back_populates="alignments", foreign_keys=[competency_id])
    target: Mapped[Competency] = relationship(foreign_keys=[target_id])
