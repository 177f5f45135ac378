"""Badge classes other tiers-lieux share with the network: what a tiers-lieu may award besides its own
(`POST /awards` takes their id; services/programme/shared_classes.py)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from badges.models import BadgeClass
from badges.services.credentials import revisions
from badges.services.programme import shared_classes
from badges.web.api import bp, paginate
from badges.web.api.inputs import PAGE, accepts
from badges.web.api.scope import readable_issuers
from badges.web.auth import token_required
from badges.web.context import links


def shared_class_json(badge: BadgeClass) -> dict[str, Any]:
    """What another tiers-lieu needs to choose and award it; the creator's internal fields stay out."""
    urls, latest = links(), revisions.latest_of(badge)
    return {
        "id": badge.public_id,
        "name": badge.name,
        "description": badge.description,
        "level": badge.level,
        "creator": {"id": urls.issuer(badge.issuer.slug), "name": badge.issuer.name},
        "achievement": urls.achievement(latest.public_id),
        "ob2_badge_class": urls.ob2_badge(latest.public_id),
        "image": urls.badge_image(latest.public_id),
    }


@bp.get("/shared-badge-classes")
@token_required
@accepts(query=PAGE)
def list_shared_badge_classes() -> Response:
    """Staff: the classes other tiers-lieux share now; coordinators: every shared class of the network."""
    query = shared_classes.shared_query(but_of=readable_issuers())
    return jsonify(paginate(query, shared_class_json))
