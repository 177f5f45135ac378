"""Public halves and metadata of issuer signing keys (private keys live only in keys/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.issuer import Issuer


class SigningKey(PublicIdMixin, Base):
    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id"))
    # "Ed25519" signs Data Integrity proofs; "RSA" signs OB 2.0 JWS and VC-JWT (RS256).
    algorithm: Mapped[str] = mapped_column(String(10))
    public_pem: Mapped[str] = mapped_column(Text)
    public_multibase: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a newer key takes over signing; the key keeps verifying.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Signatures made with the key at or after this instant are not trusted.
    compromised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    issuer: Mapped[Issuer] = relationship()
