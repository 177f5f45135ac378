"""An OpenID4VCI credential offer for an award of the tiers-lieu, for the staff award page (JSON)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request

from badges.db import get_session
from badges.models import Role
from badges.services.credentials import oid4vci
from badges.services.holders import award_listing
from badges.services.shared.errors import RuleError
from badges.web.context import links, now
from badges.web.oid4vci import offer_response
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required


@bp.post("/awards/<award_id>/oid4vci")
@role_required(Role.STAFF)
def award_wallet_offer(award_id: str) -> Response:
    """A new single-use offer (deep link, QR code, tx_code unless the form says code=non)."""
    session = get_session()
    credential = award_listing.award_of(session, issuer=own_issuer(), public_id=award_id)
    try:
        made = oid4vci.create_offer(
            session,
            credential=credential,
            links=links(),
            now=now(),
            ttl=timedelta(seconds=int(current_app.config["WALLET_OFFER_TTL"])),
            with_tx_code=request.form.get("code") != "non",
        )
    except RuleError:
        session.rollback()
        return offer_response(None)
    session.commit()
    return offer_response(made)
