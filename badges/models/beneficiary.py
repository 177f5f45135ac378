"""Beneficiaries: pseudonymous by default, with the minimum docs/domain.md#D-gdpr-minimisation allows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.issuer import Issuer


class Beneficiary(PublicIdMixin, Base):
    __tablename__ = "beneficiary"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    # Stable pseudonymous subject of every credential (urn:uuid:...).
    subject_id: Mapped[str] = mapped_column(String(45), unique=True)
    # First name or alias: shown to staff, put in a badge only when show_name_in_badges is set.
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    # Internal profile label (exclu, intermediaire, initie, ...): staff views and aggregates only.
    profile: Mapped[str | None] = mapped_column(String(40))
    show_name_in_badges: Mapped[bool] = mapped_column(default=False)
    # "Besoin d'appui en français : oui/non", instead of any language or origin
    # (docs/domain.md#D-gdpr-minimisation).
    needs_french_support: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
