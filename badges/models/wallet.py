"""Holder-bound credentials: an award signed again for a wallet, whose subject is the wallet's DID."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from badges.models.base import Base, PublicIdMixin, UTCDateTime
from badges.models.credential import Credential
from badges.models.key import SigningKey

# The two forms a wallet receives (OpenID4VCI 1.0 Appendix A format identifiers): a Data Integrity
# eddsa-rdfc-2022 credential (JSON) and a VC-JWT (compact JWS).
FORMAT_LDP_VC = "ldp_vc"
FORMAT_JWT_VC_JSON = "jwt_vc_json"
BOUND_FORMATS = (FORMAT_LDP_VC, FORMAT_JWT_VC_JSON)


class BoundCredential(PublicIdMixin, Base):
    """One more form of an award (`credential`): same badge, same credentialStatus entry (so revocation,
    erasure and expiry reach it), its own id `urn:uuid:<public_id>`, and the holder's DID as subject.
    Stored exactly as signed; erasing the award deletes the row."""

    __tablename__ = "bound_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), index=True)
    holder_did: Mapped[str] = mapped_column(String(2048))
    format: Mapped[str] = mapped_column(String(16))
    # The signed document as sent: JSON text (ldp_vc) or the compact JWS (jwt_vc_json).
    document: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The issuer key that signed it (Ed25519 for ldp_vc, RSA for jwt_vc_json): compromise is judged on it.
    signing_key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"))

    credential: Mapped[Credential] = relationship()
    signing_key: Mapped[SigningKey] = relationship()


class WalletOffer(PublicIdMixin, Base):
    """An offer to put an award into a wallet (the LCW's VC-API exchange): single use, time-limited.

    The exchange URL carries a random token; only its SHA-256 is stored. The challenge is the nonce the
    wallet's DID-Authentication proof must carry (VC-API exchanges, VerifiablePresentationRequest)."""

    __tablename__ = "wallet_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("credential.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    challenge: Mapped[str] = mapped_column(String(64))
    # Who asked for it: "holder" (the private link) or "staff" (the issuing tiers-lieu).
    created_by: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    bound_credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("bound_credential.id", ondelete="SET NULL")
    )

    credential: Mapped[Credential] = relationship()
