"""What the holder controls: the private page link, a badge's visibility and claim code, share links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.beneficiary import Beneficiary
from badges.models.credential import Credential


class BeneficiaryLink(Base):
    """The link to a beneficiary's private page: the token itself is never stored.

    The token is HMAC-SHA256(server secret, beneficiary id and `salt`): staff can send the same link
    again, but a copy of the database alone gives no working link. Renewing draws a new salt.
    """

    __tablename__ = "beneficiary_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id", ondelete="CASCADE"), unique=True)
    # SHA-256 (hex) of the token: the page is found by hashing the token in its URL.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    beneficiary: Mapped[Beneficiary] = relationship()


class CredentialSharing(Base):
    """A badge's sharing settings, made when first needed (no row: public, no claim code yet)."""

    __tablename__ = "credential_sharing"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), unique=True)
    # Chosen by the holder: a private badge is seen only through a share link (or its claim code).
    private: Mapped[bool] = mapped_column(default=False)
    # Printed on the certificate: 12 characters of Crockford's base32, typed without the dashes.
    claim_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    credential: Mapped[Credential] = relationship()


class ShareLink(PublicIdMixin, Base):
    """A time-limited link to one badge (e.g. for a counsellor); only the token's SHA-256 is stored."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Pour qui ?" as the holder wrote it, so they recognise the link they may want to stop.
    label: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    credential: Mapped[Credential] = relationship()
