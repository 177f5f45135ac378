"""Awards: issue a badge to a beneficiary (staff token)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from badges import db
from badges.db import get_session
from badges.models import Credential
from badges.services.credentials import downloads, issuance, revocation
from badges.services.credentials.links import credential_urn
from badges.services.holders import award_listing
from badges.services.programme import awarding, beneficiaries, shared_classes
from badges.services.programme.awarding import Issuing
from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import REQUIRED
from badges.web.api import bp, created, json_body, paginate, send_download
from badges.web.api.inputs import PAGE, accepts
from badges.web.auth import staff_issuer, token_required
from badges.web.context import keyring, links, now

AWARD = {"badge_class": None, "beneficiary": None, "evidence": [{"name": None, "narrative": None}]}


def award_json(credential: Credential) -> dict[str, Any]:
    urls = links()
    return {
        "id": credential.public_id,
        "credential_id": credential_urn(credential.public_id),
        "badge_class": credential.badge_class.public_id,
        "beneficiary": credential.beneficiary.public_id if credential.beneficiary else None,
        "issued_at": credential.issued_at.isoformat(),
        "valid_until": credential.valid_until.isoformat() if credential.valid_until else None,
        "revoked": credential.revoked_at is not None,
        "revocation_reason": credential.revocation_reason,
        "links": {
            "page": urls.credential_page(credential.public_id),
            "ob3_credential": urls.credential_page(credential.public_id),
            "ob2_assertion": urls.ob2_assertion(credential.public_id),
            "downloads": {
                fmt: urls.credential_page(credential.public_id) + "/download/" + fmt
                for fmt in downloads.FORMATS
            },
        },
    }


@bp.post("/awards")
@token_required
@accepts(body=AWARD)
def create_award() -> tuple[Response, int]:
    data = json_body()
    session, issuer = get_session(), staff_issuer()
    missing = {f: REQUIRED for f in ("badge_class", "beneficiary") if not isinstance(data.get(f), str)}
    if missing:
        raise InvalidInput(missing)
    # Its own class, or one another tiers-lieu shares (422 when not shared): signed in this one's name.
    badge = shared_classes.for_awarding(session, issuer=issuer, public_id=data["badge_class"])
    beneficiary = beneficiaries.for_issuer(session, issuer=issuer, public_id=data["beneficiary"])
    evidence = issuance.validate_evidence(data.get("evidence"))
    credential = awarding.award_by_hand(
        session, Issuing(keyring(), links(), now()), badge=badge, person=beneficiary, evidence=evidence
    )
    return created(award_json(credential))


def own_award(public_id: str) -> Credential:
    """An award of the staff member's tiers-lieu; another tiers-lieu's award is a 404."""
    return award_listing.award_of(get_session(), issuer=staff_issuer(), public_id=public_id)


@bp.get("/awards")
@token_required
@accepts(query=PAGE)
def list_awards() -> Response:
    query = (
        select(Credential)
        .where(Credential.issuer_id == staff_issuer().id, Credential.erased_at.is_(None))
        .order_by(Credential.issued_at.desc(), Credential.id.desc())
    )
    return jsonify(paginate(query, award_json))


@bp.get("/awards/<public_id>")
@token_required
@accepts()
def get_award(public_id: str) -> Response:
    return jsonify(award_json(own_award(public_id)))


@bp.post("/awards/<public_id>/revoke")
@token_required
@accepts(body={"reason": None})
def revoke_award(public_id: str) -> Response:
    credential = own_award(public_id)
    revocation.revoke(
        get_session(),
        keyring(),
        credential=credential,
        reason=json_body().get("reason"),
        links=links(),
        now=now(),
    )
    get_session().commit()
    return jsonify(award_json(credential))


@bp.post("/awards/<public_id>/erase")
@token_required
@accepts()
def erase_award(public_id: str) -> tuple[str, int]:
    """Erasure at the holder's request: only a PII-free revocation entry remains."""
    revocation.erase(get_session(), keyring(), credential=own_award(public_id), links=links(), now=now())
    get_session().commit()
    return "", 204


@bp.get("/awards/<public_id>/download/<fmt>")
@db.writes
@token_required
@accepts()
def download_award(public_id: str, fmt: str) -> Response:
    file = downloads.render(get_session(), keyring(), credential=own_award(public_id), links=links(), fmt=fmt)
    get_session().commit()  # a signed form made on first request is stored
    return send_download(file)
