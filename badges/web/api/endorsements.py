"""Endorsements: the coordination (for the network) and counsellors (for their agency) vouch for a
tiers-lieu or a badge class, and withdraw what they gave (issue 16)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify

from badges.db import get_session
from badges.models import Endorsement
from badges.services.credentials import endorsement_listing, endorsements
from badges.services.credentials.endorsements import EndorserSettings
from badges.web.api import bp, created, json_body, paginate
from badges.web.api.inputs import PAGE, accepts
from badges.web.auth import current_user, token_required
from badges.web.context import keyring, links, now

ENDORSEMENT = {"target": None, "id": None, "comment": None}


def settings() -> EndorserSettings:
    config = current_app.config
    return EndorserSettings(network_name=config["NETWORK_NAME"], email=config["MAIL_SENDER"])


def endorsement_json(row: Endorsement) -> dict[str, Any]:
    urls = links()
    target = (
        {"type": "issuer", "id": row.issuer.slug}
        if row.issuer is not None
        else {"type": "badge_revision", "id": row.badge_revision.public_id if row.badge_revision else None}
    )
    return {
        "id": row.public_id,
        "endorser": {"id": urls.endorser(row.endorser.slug), "name": row.endorser.name},
        "target": target,
        "comment": row.comment,
        "created_at": row.created_at.isoformat(),
        "withdrawn": row.withdrawn_at is not None,
        "links": {
            "ob3_credential": urls.endorsement(row.public_id),
            "ob2_endorsement": urls.ob2_endorsement(row.public_id),
        },
    }


@bp.post("/endorsements")
@token_required
@accepts(body=ENDORSEMENT)
def create_endorsement() -> tuple[Response, int]:
    row = endorsements.endorse(
        get_session(),
        keyring(),
        actor=current_user(),
        data=json_body(),
        settings=settings(),
        links=links(),
        now=now(),
    )
    return created(endorsement_json(row))


@bp.get("/endorsements")
@token_required
@accepts(query=PAGE)
def list_endorsements() -> Response:
    """The endorsements of the caller's endorser (the network's, or their agency's)."""
    user = current_user()
    endorsements.check_may_endorse(user)
    return jsonify(paginate(endorsement_listing.given_query(user), endorsement_json))


@bp.post("/endorsements/<public_id>/withdraw")
@token_required
@accepts()
def withdraw_endorsement(public_id: str) -> Response:
    row = endorsements.withdraw(
        get_session(), keyring(), actor=current_user(), public_id=public_id, links=links(), now=now()
    )
    get_session().commit()
    return jsonify(endorsement_json(row))
