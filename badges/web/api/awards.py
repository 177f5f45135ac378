"""Awards: issue a badge to a beneficiary (staff token)."""

from __future__ import annotations

from typing import Any

from flask import Response

from badges.db import get_session
from badges.models import Credential
from badges.services import badge_classes, beneficiaries, issuance
from badges.services.errors import InvalidInput
from badges.services.links import credential_urn
from badges.web.api import bp, created, json_body
from badges.web.auth import staff_issuer, token_required
from badges.web.context import keyring, links, now


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
        "links": {
            "page": urls.credential_page(credential.public_id),
            "ob3_credential": urls.credential_page(credential.public_id),
            "ob2_assertion": urls.ob2_assertion(credential.public_id),
        },
    }


@bp.post("/awards")
@token_required
def create_award() -> tuple[Response, int]:
    data = json_body()
    session, issuer = get_session(), staff_issuer()
    missing = {
        f: "Ce champ est obligatoire."
        for f in ("badge_class", "beneficiary")
        if not isinstance(data.get(f), str)
    }
    if missing:
        raise InvalidInput(missing)
    badge = badge_classes.for_issuer(session, issuer=issuer, public_id=data["badge_class"])
    beneficiary = beneficiaries.for_issuer(session, issuer=issuer, public_id=data["beneficiary"])
    evidence = issuance.validate_evidence(data.get("evidence"))
    credential = issuance.award(
        session,
        keyring(),
        badge_class=badge,
        beneficiary=beneficiary,
        links=links(),
        now=now(),
        evidence=evidence,
    )
    return created(award_json(credential))
