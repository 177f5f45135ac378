"""Plain values for the public HTML pages (templates never query)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Credential, Framework, Issuer
from badges.services import documents, frameworks
from badges.services.errors import NotFound
from badges.services.links import Links
from badges.services.openbadges.common import BadgeClassData


def credential_status(credential: Credential, now: datetime) -> str:
    """ "valide", "revoque" or "expire": what a person reading the page needs first."""
    if credential.revoked_at is not None or credential.erased_at is not None:
        return "revoque"
    if credential.valid_until is not None and credential.valid_until <= now:
        return "expire"
    return "valide"


def credential_page(session: Session, links: Links, public_id: str, now: datetime) -> dict[str, Any]:
    credential = session.scalars(select(Credential).where(Credential.public_id == public_id)).first()
    if credential is None or credential.erased_at is not None or credential.ob3_credential is None:
        raise NotFound("Badge introuvable.")
    signed = json.loads(credential.ob3_credential)
    achievement = signed["credentialSubject"]["achievement"]
    return {
        "id": public_id,
        "name": achievement["name"],
        "description": achievement["description"],
        "criteria": achievement["criteria"].get("narrative", ""),
        "image": achievement["image"]["id"],
        "issuer": signed["issuer"],
        "issued_at": credential.issued_at,
        "valid_until": credential.valid_until,
        "status": credential_status(credential, now),
        "revocation_reason": credential.revocation_reason,
        "alignments": achievement.get("alignment", []),
        "json_url": links.credential_page(public_id),
        "ob2_url": links.ob2_assertion(public_id),
    }


def achievement_page(session: Session, links: Links, public_id: str) -> dict[str, Any]:
    badge = session.scalars(select(BadgeClass).where(BadgeClass.public_id == public_id)).first()
    if badge is None:
        raise NotFound("Badge introuvable.")
    data: BadgeClassData = documents.badge_class_data(badge, links)
    return {
        "name": data.name,
        "description": data.description,
        "criteria": data.criteria_narrative,
        "image": data.image_url,
        "level": data.level,
        "alignments": data.alignments,
        "issuer": {"name": badge.issuer.name, "url": links.issuer(badge.issuer.slug)},
    }


def issuer_page(session: Session, links: Links, slug: str) -> dict[str, Any]:
    issuer = session.scalars(select(Issuer).where(Issuer.slug == slug)).first()
    if issuer is None:
        raise NotFound("Tiers-lieu introuvable.")
    badges = session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name)
    )
    return {
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description,
        "badges": [{"name": b.name, "url": links.achievement(b.public_id)} for b in badges],
    }


def framework_page(session: Session, slug: str) -> dict[str, Any]:
    framework: Framework = frameworks.latest(session, slug)
    return {
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "description": framework.description,
        "source_url": framework.source_url,
        "competencies": [
            {"code": c.code, "title": c.title, "area": c.area, "falc": c.falc_description}
            for c in framework.competencies
        ],
    }
