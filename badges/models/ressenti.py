"""The participants' voice at each atelier (ressenti): how they felt, and FALC sentences they ticked.

Personal data of the accompaniment file (docs/domain.md#D-gdpr-retention): erased with the person (the
foreign keys cascade), purged after the retention period, never read by the credential builders.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.framework import Competency
from badges.models.pathway import Atelier


class Ressenti(Base):
    """One person's answer for one atelier: given once, edited in place."""

    __tablename__ = "ressenti"
    __table_args__ = (UniqueConstraint("atelier_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(ForeignKey("atelier.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"))
    # One of services/programme/ressenti.FEELINGS: a pictogram with its words, not a score.
    feeling: Mapped[str] = mapped_column(String(20))
    # The person's own words (bounded; never shown next to their name in a summary).
    words: Mapped[str] = mapped_column(String(300), default="")
    # "tablette" (handed round by the médiateur) or "lien" (the person's private link).
    source: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    atelier: Mapped[Atelier] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()
    items: Mapped[list[RessentiItem]] = relationship(
        back_populates="ressenti", cascade="all, delete-orphan", passive_deletes=True
    )


class RessentiItem(Base):
    """A FALC sentence ticked for one competence of the atelier: learned, acquired, or to review."""

    __tablename__ = "ressenti_item"

    ressenti_id: Mapped[int] = mapped_column(ForeignKey("ressenti.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competency.id", ondelete="CASCADE"), primary_key=True
    )
    # appris, acquis, a_revoir (services/programme/ressenti.KINDS).
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)

    ressenti: Mapped[Ressenti] = relationship(back_populates="items")
    competency: Mapped[Competency] = relationship()
