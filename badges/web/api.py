"""JSON API under /api/v1: awards, badge classes, beneficiaries (staff token) and verification (public)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from badges.db import get_session
from badges.models import BadgeClass, Beneficiary, Credential
from badges.services import badge_classes, beneficiaries, issuance, verification
from badges.services.errors import InvalidInput
from badges.services.links import credential_urn
from badges.services.verification.inputs import InputError, load_json
from badges.services.verification.sources import LocalSource
from badges.web.auth import staff_issuer, token_required
from badges.web.context import keyring, links, now

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict[str, Any]:
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput({"body": "Un objet JSON est attendu."})
    return data


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


def badge_class_json(badge: BadgeClass) -> dict[str, Any]:
    return {
        "id": badge.public_id,
        "name": badge.name,
        "description": badge.description,
        "level": badge.level,
        "profile": badge.profile,
        "competencies": [f"{c.framework.slug}:{c.code}" for c in badge.competencies],
        "achievement": links().achievement(badge.public_id),
    }


def beneficiary_json(beneficiary: Beneficiary) -> dict[str, Any]:
    return {
        "id": beneficiary.public_id,
        "subject_id": beneficiary.subject_id,
        "display_name": beneficiary.display_name,
        "email": beneficiary.email,
        "profile": beneficiary.profile,
        "consent": beneficiary.consent_at is not None,
    }


def created(body: dict[str, Any]) -> tuple[Response, int]:
    get_session().commit()
    return jsonify(body), 201


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


@bp.post("/badge-classes")
@token_required
def create_badge_class() -> tuple[Response, int]:
    badge = badge_classes.create_badge_class(
        get_session(), issuer=staff_issuer(), data=json_body(), now=now()
    )
    get_session().flush()
    return created(badge_class_json(badge))


@bp.post("/beneficiaries")
@token_required
def create_beneficiary() -> tuple[Response, int]:
    beneficiary = beneficiaries.create_beneficiary(
        get_session(), issuer=staff_issuer(), data=json_body(), now=now()
    )
    get_session().flush()
    return created(beneficiary_json(beneficiary))


def _source() -> LocalSource:
    return LocalSource(get_session(), links())


@bp.route("/verify", methods=["GET", "POST"])
def verify() -> Response:
    """Public: verify a URL (?url=), a JSON body {"credential": ...} or an uploaded file (field `file`)."""
    email = request.values.get("email") or None
    if request.method == "GET":
        url = request.args.get("url", "")
        if not url:
            raise InvalidInput({"url": "Indiquez l'adresse du badge à vérifier."})
        report = verification.verify_value(url, source=_source(), now=now(), email=email)
    elif request.files:
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput({"file": "Le fichier doit être envoyé dans le champ « file »."})
        report = verification.verify_bytes(upload.read(), source=_source(), now=now(), email=email)
    else:
        report = _verify_json_body()
    return jsonify(report.to_dict())


def _verify_json_body() -> verification.Report:
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = load_json(request.get_data(as_text=True))
    except InputError as exc:
        return verification.unreadable(str(exc))
    if not isinstance(data, dict) or "credential" not in data:
        raise InvalidInput({"credential": "Le badge doit être envoyé dans le champ « credential »."})
    email = data.get("email") if isinstance(data.get("email"), str) else None
    return verification.verify_value(data["credential"], source=_source(), now=now(), email=email)
