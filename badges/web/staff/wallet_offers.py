"""An OpenID4VCI credential offer for an award of the tiers-lieu, for the staff award page (JSON)."""

from __future__ import annotations

from flask import Response

from badges.db import get_session
from badges.models import Role
from badges.services.holders import award_listing
from badges.web.oid4vci import new_offer
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required


@bp.post("/awards/<award_id>/oid4vci")
@role_required(Role.STAFF)
def award_wallet_offer(award_id: str) -> Response:
    """A new single-use offer (deep link, QR code, tx_code unless the form says code=non)."""
    session = get_session()
    credential = award_listing.award_of(session, issuer=own_issuer(), public_id=award_id)
    return new_offer(session, credential)
