"""Evaluations of competences and the beneficiaries' personal criteria with their self-ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.framework import Competency
from badges.models.pathway import Atelier, Pathway
from badges.models.user import User


class Evaluation(PublicIdMixin, Base):
    __tablename__ = "evaluation"
    __table_args__ = (
        Index("ix_evaluation_beneficiary_competency", "beneficiary_id", "competency_id"),
        # The key figures of a period (issue 17, migration 0008).
        Index("ix_evaluation_evaluated_at", "evaluated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id", ondelete="RESTRICT"))
    pathway_id: Mapped[int | None] = mapped_column(ForeignKey("pathway.id", ondelete="SET NULL"))
    atelier_id: Mapped[int | None] = mapped_column(ForeignKey("atelier.id", ondelete="SET NULL"))
    # avant, pendant, apres (docs/domain.md#D-programme).
    moment: Mapped[str] = mapped_column(String(10))
    # auto_evaluation, observation, quiz, entretien, mise_en_situation, jeu.
    method: Mapped[str] = mapped_column(String(20))
    # Local scale N1-N4.
    result: Mapped[str] = mapped_column(String(2))
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Staff-only remark: never copied into a badge or its evidence.
    note: Mapped[str] = mapped_column(Text, default="")
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    beneficiary: Mapped[Beneficiary] = relationship()
    competency: Mapped[Competency] = relationship()
    pathway: Mapped[Pathway | None] = relationship()
    atelier: Mapped[Atelier | None] = relationship()
    evaluator: Mapped[User | None] = relationship()


class PersonalCriterion(Base):
    """One of the 3-4 objectives a beneficiary sets at the start of a pathway, self-rated three times."""

    __tablename__ = "personal_criterion"
    __table_args__ = (UniqueConstraint("pathway_id", "beneficiary_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(String(300))
    # Self-ratings on the local scale: at the start (avant), during (pendant), at the end (apres).
    rating_start: Mapped[str] = mapped_column(String(2))
    rating_during: Mapped[str | None] = mapped_column(String(2))
    rating_end: Mapped[str | None] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GridDraft(Base):
    """What a médiateur has typed in an atelier's grid and not saved yet: one draft per atelier and account.

    Written while typing (the session is alive), read when the grid opens again (after signing in once
    more), deleted when the grid is saved. Never read by the rules: a draft awards nothing.
    """

    __tablename__ = "grid_draft"
    __table_args__ = (UniqueConstraint("atelier_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # {"moment": ..., "method": ..., "cells": {field name: level}, "present": [beneficiary public ids]}.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
