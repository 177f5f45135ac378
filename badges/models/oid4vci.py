"""OpenID4VCI 1.0 pre-authorized code flow: credential offers, their access tokens and the c_nonces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, UTCDateTime
from badges.models.credential import Credential


class Oid4vciOffer(Base):
    """A credential offer for one award (OpenID4VCI 1.0 §4.1), single-use and time-limited.

    Only hashes are stored: the offer reference in the credential_offer_uri and the pre-authorized code
    (derived from the reference, so the offer document can be served again without keeping it), and the
    transaction code under a salted slow hash (six digits would fall to a plain hash at once).
    """

    __tablename__ = "oid4vci_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), index=True)
    ref_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the pre-authorized code is exchanged for an access token: the code is single-use.
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    credential: Mapped[Credential] = relationship()


class Oid4vciAccessToken(Base):
    """An opaque, short-lived Bearer token for the credential endpoint, stored as its SHA-256."""

    __tablename__ = "oid4vci_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("oid4vci_offer.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    offer: Mapped[Oid4vciOffer] = relationship()


class Oid4vciIssued(Base):
    """A format already delivered with an access token: one credential per configuration of the offer,
    so a token cannot mint copies without end. The primary key makes it so even for two requests racing
    with one token (the second one's INSERT fails)."""

    __tablename__ = "oid4vci_issued"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("oid4vci_token.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(16), primary_key=True)


class Oid4vciNonce(Base):
    """A c_nonce from the nonce endpoint (OpenID4VCI 1.0 §7): used once by a key proof, then deleted."""

    __tablename__ = "oid4vci_nonce"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
