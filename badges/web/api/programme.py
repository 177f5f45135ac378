"""Programme data: badge classes and beneficiaries (staff token, scoped to the staff member's tiers-lieu)."""

from __future__ import annotations

from typing import Any

from flask import Response

from badges.db import get_session
from badges.models import BadgeClass, Beneficiary
from badges.services import badge_classes, beneficiaries
from badges.web.api import bp, created, json_body
from badges.web.auth import staff_issuer, token_required
from badges.web.context import links, now


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
