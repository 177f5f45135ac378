"""Bitstring status lists (one revocation list per issuer, W3C Bitstring Status List v1.0)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, UTCDateTime
from badges.models.issuer import Issuer

# W3C minimum of 16 KB (131,072 entries) for group privacy.
STATUS_LIST_SIZE = 131_072


class StatusList(Base):
    __tablename__ = "status_list"
    __table_args__ = (UniqueConstraint("issuer_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    number: Mapped[int] = mapped_column(default=1)
    purpose: Mapped[str] = mapped_column(String(20), default="revocation")
    size: Mapped[int] = mapped_column(default=STATUS_LIST_SIZE)
    # The signed BitstringStatusListCredential, re-signed whenever a bit changes.
    signed_credential: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
