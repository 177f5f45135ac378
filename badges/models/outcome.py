"""The end of a pathway: local resource actors, each participant's outcome, the closing of a pathway and
the questionnaires its partners answer (issue 14, docs/domain.md#D-experiment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.framework import Competency
from badges.models.issuer import Issuer
from badges.models.pathway import Pathway
from badges.models.user import User

outcome_skill = Table(
    "outcome_skill",
    Base.metadata,
    Column("outcome_id", ForeignKey("pathway_outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competency.id", ondelete="RESTRICT"), primary_key=True),
)

outcome_orientation = Table(
    "outcome_orientation",
    Base.metadata,
    Column("outcome_id", ForeignKey("pathway_outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("resource_actor.id", ondelete="CASCADE"), primary_key=True),
)


class ResourceActor(PublicIdMixin, Base):
    """A local resource actor: owned by a tiers-lieu (None: the coordination), read by the whole network."""

    __tablename__ = "resource_actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("issuer.id", ondelete="CASCADE"))
    # ccas, association, formation, pix, france_travail, autre.
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(3))
    # For the public: where to go and how to reach them (no personal contact of an employee is needed).
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer | None] = relationship()


class PathwayOutcome(PublicIdMixin, Base):
    """What comes next for one participant, written with them at the end of the pathway (personal data)."""

    __tablename__ = "pathway_outcome"
    __table_args__ = (UniqueConstraint("pathway_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    # The next project, in the participant's own words.
    next_project: Mapped[str] = mapped_column(Text)
    # When the person agreed that the agency's counsellor sees this outcome (None: they did not).
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    pathway: Mapped[Pathway] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()
    skills: Mapped[list[Competency]] = relationship(secondary=outcome_skill, order_by="Competency.id")
    orientations: Mapped[list[ResourceActor]] = relationship(
        secondary=outcome_orientation, order_by="ResourceActor.name"
    )


class PathwayClosure(Base):
    """A pathway is closed when it has one: the questionnaires leave then."""

    __tablename__ = "pathway_closure"

    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    pathway: Mapped[Pathway] = relationship()
    closed_by: Mapped[User | None] = relationship()


class Questionnaire(PublicIdMixin, Base):
    """The approach evaluated by one partner of a closed pathway: the agency or the tiers-lieu."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("pathway_id", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    # agence or tiers_lieu.
    respondent: Mapped[str] = mapped_column(String(20))
    # Where the link was e-mailed (None: handed over by staff); sha256 of the link's token.
    email: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Scales from 1 (pas du tout) to 4 (tout à fait); None until answered.
    satisfaction: Mapped[int | None] = mapped_column()
    collaboration: Mapped[int | None] = mapped_column()
    usefulness: Mapped[int | None] = mapped_column()
    went_well: Mapped[str] = mapped_column(Text, default="")
    to_improve: Mapped[str] = mapped_column(Text, default="")

    pathway: Mapped[Pathway] = relationship()
