"""Badge classes of a tiers-lieu: creation with validation, and lookup scoped to the issuer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Issuer
from badges.services import frameworks, images
from badges.services.errors import NotFound
from badges.services.validation import LEVELS, Fields

PROFILES = ("exclu", "intermediaire", "initie", "femmes_non_francophones", "metiers_manuels")


def validate(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    fields = Fields(data)
    values: dict[str, Any] = {
        "name": fields.text("name", max_len=200),
        "description": fields.text("description", max_len=2000),
        "criteria_narrative": fields.text("criteria_narrative", max_len=4000),
        "level": fields.choice("level", LEVELS),
        "profile": fields.choice("profile", PROFILES, required=False),
        "validity_days": fields.integer("validity_days", minimum=1, maximum=36500),
        "palette": fields.choice("palette", tuple(images.PALETTES), required=False) or "bleu",
    }
    tags = data.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > 10
        or not all(isinstance(t, str) and 0 < len(t) <= 50 for t in tags)
    ):
        fields.errors["tags"] = "Liste de 10 mots-clés au plus (50 caractères chacun)."
    refs = data.get("competencies", [])
    if not isinstance(refs, list) or not refs or len(refs) > 30:
        fields.errors["competencies"] = "Indiquez de 1 à 30 compétences (ex. « pix-crcn:2.1 »)."
    fields.check()
    values["tags"] = [t.strip() for t in tags]
    values["competencies"] = frameworks.competencies_by_ref(session, refs)
    return values


def create_badge_class(
    session: Session, *, issuer: Issuer, data: dict[str, Any], now: datetime
) -> BadgeClass:
    values = validate(session, data)
    palette = values.pop("palette")
    badge = BadgeClass(issuer=issuer, created_at=now, updated_at=now, **values)
    badge.image_png = images.draw_badge(badge.name, badge.level, palette)
    session.add(badge)
    return badge


def for_issuer(session: Session, *, issuer: Issuer, public_id: str) -> BadgeClass:
    """A badge class of this issuer; another issuer's class is reported as not found."""
    found = session.scalars(
        select(BadgeClass).where(BadgeClass.public_id == public_id, BadgeClass.issuer_id == issuer.id)
    ).first()
    if found is None:
        raise NotFound("Badge introuvable.")
    return found


def list_for(session: Session, issuer: Issuer) -> list[BadgeClass]:
    return list(
        session.scalars(select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name))
    )
