"""Badge classes of a tiers-lieu: creation and edits (published as revisions), rules, lookup by issuer."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Competency, Credential, Issuer, Pathway
from badges.models.base import new_public_id
from badges.models.pathway import pathway_badge_class
from badges.services.credentials import images, revisions
from badges.services.openbadges.common import LEVEL_SCALE
from badges.services.programme import frameworks, pathway_badges, rules
from badges.services.shared import lookup, profiles
from badges.services.shared.errors import Conflict, InvalidInput
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import LEVELS, Fields

TAGS = message("badge_class.tags", N_("Liste de 10 mots-clés au plus (50 caractères chacun)."))
IMAGE_BASE64 = message("badge_class.image_base64", N_("Image attendue en base64 (PNG ou JPEG)."))
COMPETENCIES = message(
    "badge_class.competencies", N_("Indiquez de 1 à 30 compétences (ex. « pix-crcn:2.1 »).")
)
NOT_EDITABLE = message("badge_class.not_editable", N_("Ce champ ne peut pas être modifié."))
ALREADY_AWARDED = message(
    "badge_class.already_awarded", N_("Ce badge a déjà été délivré : il ne peut plus être supprimé.")
)
BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
A_COMPONENT = message(
    "badge_class.a_component",
    N_("Ce badge compose un badge de parcours : retirez-le d'abord de ce badge de parcours."),
)

PROFILES = profiles.PROFILES
EDITABLE = (
    "name", "description", "criteria_narrative", "level", "profile", "validity_days", "palette", "tags",
    "competencies", "rule", "image", "pathway_badge",
)  # fmt: skip
PUBLIC_TEXT = ("name", "description", "criteria_narrative")
MAX_CRITERIA = 4000
# A base64 image is 4/3 of the bytes; images.normalise_upload enforces the real limit.
MAX_IMAGE_CHARS = 8 * 1024 * 1024
# The "image" value asking for a drawn image instead of an uploaded one.
DRAWN = b""


def _tags(fields: Fields, data: dict[str, Any]) -> list[str]:
    tags = data.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > 10
        or not all(isinstance(t, str) and 0 < len(t.strip()) <= 50 for t in tags)
    ):
        fields.errors["tags"] = TAGS
        return []
    if any(profiles.find_label(t) for t in tags):
        fields.errors["tags"] = profiles.MESSAGE
    return [t.strip() for t in tags]


def _image(fields: Fields, data: dict[str, Any]) -> bytes | None:
    """An uploaded image: base64 (or a data: URL) of a PNG or JPEG, made a safe 600x600 PNG.

    `"image": null` drops an uploaded image: the class goes back to a drawn one (DRAWN).
    """
    raw = data.get("image")
    if raw is None:
        return DRAWN if "image" in data else None
    if not isinstance(raw, str) or len(raw) > MAX_IMAGE_CHARS:
        fields.errors["image"] = IMAGE_BASE64
        return None
    try:
        decoded = base64.b64decode(raw.split(",", 1)[1] if raw.startswith("data:") else raw, validate=True)
    except (binascii.Error, ValueError, IndexError):
        fields.errors["image"] = IMAGE_BASE64
        return None
    try:
        return images.normalise_upload(decoded)
    except InvalidInput as exc:
        fields.errors.update(exc.field_messages)
        return None


def validate(
    session: Session, data: dict[str, Any], *, current: BadgeClass | None = None, issuer: Issuer | None = None
) -> dict[str, Any]:
    """Checked values of the fields given (every required one for a new class), or InvalidInput."""
    fields = Fields(data)
    wanted = [name for name in EDITABLE if current is None or name in data]
    checks = {
        "name": lambda: fields.text("name", max_len=200),
        "description": lambda: fields.text("description", max_len=2000),
        "criteria_narrative": lambda: fields.text("criteria_narrative", max_len=MAX_CRITERIA, required=False),
        "level": lambda: fields.choice("level", LEVELS),
        "profile": lambda: fields.choice("profile", PROFILES, required=False),
        "validity_days": lambda: fields.integer("validity_days", minimum=1, maximum=36500),
        "palette": lambda: fields.choice("palette", tuple(images.PALETTES), required=False),
        "tags": lambda: _tags(fields, data),
        "image": lambda: _image(fields, data),
    }
    values: dict[str, Any] = {name: checks[name]() for name in wanted if name in checks}
    for name in PUBLIC_TEXT:
        if (
            isinstance(values.get(name), str)
            and name not in fields.errors
            and profiles.find_label(values[name])
        ):
            fields.errors[name] = profiles.MESSAGE
    if "competencies" in wanted:
        refs = data.get("competencies", [])
        if not isinstance(refs, list) or not refs or len(refs) > 30:
            fields.errors["competencies"] = COMPETENCIES
    pathway_errors: dict[str, Any] = {}
    if "pathway_badge" in data:
        owner = issuer if issuer is not None else current.issuer if current is not None else None
        try:
            assert owner is not None
            values["pathway_badge"] = pathway_badges.parse(
                session, data["pathway_badge"], issuer=owner, current=current
            )
        except InvalidInput as exc:
            pathway_errors = exc.field_messages
    fields.errors.update(pathway_errors)
    fields.check()
    if "competencies" in wanted:
        values["competencies"] = frameworks.competencies_by_ref(session, data["competencies"])
    competencies = values.get("competencies") or list(current.competencies if current else [])
    if "rule" in wanted:
        values["rule"] = rules.parse(session, data.get("rule"), class_competencies=competencies)
    elif current is not None and current.rule and "competencies" in values:
        # The rule may name competences: it must still fit the class's new ones.
        values["rule"] = rules.parse(
            session, rules.to_json(session, current.rule), class_competencies=competencies
        )
    return values


def compose_criteria(badge: BadgeClass, pathway: str | None = None) -> str:
    """A criteria narrative written from the class's rules and competences (and their observable criteria)."""
    heads = ([pathway] if pathway else []) + rules.describe(badge)
    heads = heads or [
        f"Avoir montré à un médiateur, au niveau {badge.level} ({_label(badge.level)}) ou plus, "
        "les compétences suivantes."
    ]
    lines = [*heads, ""]
    for competency in badge.competencies:
        detail = " ; ".join(competency.criteria or [])
        lines.append(f"- {competency.code} {competency.title}" + (f" : {detail}." if detail else "."))
    text = "\n".join(lines).strip()
    if len(text) > MAX_CRITERIA:
        text = "\n".join([*heads, ""] + [f"- {c.code} {c.title}." for c in badge.competencies])
    return text[:MAX_CRITERIA]


def _label(level: str) -> str:
    return next(label for code, label, _ in LEVEL_SCALE if code == level)


def _apply(badge: BadgeClass, values: dict[str, Any], *, compose: bool, pathway: str | None = None) -> None:
    """Write checked values (nothing is written before every field has been checked)."""
    palette = values.pop("palette", None)
    image = values.pop("image", None)
    narrative = values.pop("criteria_narrative", None)
    for name, value in values.items():
        setattr(badge, name, value)
    if narrative:
        badge.criteria_narrative, badge.criteria_composed = narrative, False
    elif compose or badge.criteria_composed:
        # Asked for (no narrative given), or composed before: follow the competences and rules.
        badge.criteria_narrative, badge.criteria_composed = compose_criteria(badge, pathway), True
    if image == DRAWN:
        badge.image_uploaded = False
    elif image is not None:
        badge.image_png, badge.image_uploaded = image, True
    if not badge.image_uploaded:
        # Distinct colours per profile family, never the label itself (the image shows title and level).
        badge.image_png = images.draw_badge(
            badge.name, badge.level, palette or profiles.palette_for(badge.profile)
        )


def create_badge_class(
    session: Session, *, issuer: Issuer, data: dict[str, Any], now: datetime
) -> BadgeClass:
    values = validate(session, data, issuer=issuer)
    spec = values.pop("pathway_badge", None)
    badge = BadgeClass(
        public_id=new_public_id(),
        issuer=issuer,
        created_at=now,
        updated_at=now,
        criteria_composed=False,
        image_uploaded=False,
    )
    _apply(badge, values, compose=True, pathway=pathway_badges.describe(session, spec) if spec else None)
    session.add(badge)
    session.flush()
    pathway_badges.apply(session, badge, spec)
    revisions.publish(session, badge, now=now)
    return badge


def update_badge_class(
    session: Session, *, badge: BadgeClass, data: dict[str, Any], now: datetime
) -> BadgeClass:
    """Edit a class; credentials already issued keep pointing at the revision they were signed with."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise InvalidInput({name: NOT_EDITABLE for name in unknown})
    values = validate(session, data, current=badge)
    changed = "pathway_badge" in values
    spec = values.pop("pathway_badge", None)
    if not changed:
        rule = pathway_badges.rule_of(session, badge)
        spec = pathway_badges.spec_of(rule) if rule is not None else None
    described = pathway_badges.describe(session, spec) if spec else None
    _apply(badge, values, compose="criteria_narrative" in data, pathway=described)
    badge.updated_at = now
    session.flush()
    if changed:
        pathway_badges.apply(session, badge, spec)
    revisions.publish(session, badge, now=now)
    return badge


def delete_badge_class(session: Session, *, badge: BadgeClass) -> None:
    """Only a class never awarded can go: issued credentials must keep resolving."""
    if session.scalar(select(Credential.id).where(Credential.badge_class_id == badge.id).limit(1)):
        raise Conflict(ALREADY_AWARDED)
    if pathway_badges.is_component(session, badge):
        raise Conflict(A_COMPONENT)
    session.delete(badge)


def for_issuer(session: Session, *, issuer: Issuer, public_id: str) -> BadgeClass:
    """A badge class of this issuer; another issuer's class is reported as not found."""
    return in_scope(session, public_id=public_id, issuer_ids=[issuer.id])


def in_scope(session: Session, *, public_id: str, issuer_ids: list[int] | None) -> BadgeClass:
    """A badge class of one of these issuers (None: any); otherwise not found, whoever owns it."""
    return lookup.find_owned(
        session,
        BadgeClass,
        public_id,
        owner=BadgeClass.issuer_id,
        issuer_ids=issuer_ids,
        message=BADGE_NOT_FOUND,
    )


def list_for(session: Session, issuer: Issuer) -> list[BadgeClass]:
    return list(
        session.scalars(select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name))
    )


def auto_awarded(session: Session, issuer_id: int) -> list[BadgeClass]:
    """Classes the issuer's grids award by their rules (the others are awarded by hand only): its own,
    and those another tiers-lieu shares that the issuer named in one of its pathways (its choice to award
    them in its name; programme/shared_classes.py), while they stay shared."""
    adopted = (
        select(pathway_badge_class.c.badge_class_id)
        .join(Pathway, Pathway.id == pathway_badge_class.c.pathway_id)
        .where(Pathway.issuer_id == issuer_id)
    )
    found = session.scalars(
        select(BadgeClass)
        .where(
            or_(
                BadgeClass.issuer_id == issuer_id,
                and_(BadgeClass.shared_at.is_not(None), BadgeClass.id.in_(adopted)),
            )
        )
        .order_by(BadgeClass.id)
    )
    return [badge for badge in found if badge.rule]


def competency_refs(competencies: list[Competency]) -> list[str]:
    return [c.ref for c in competencies]
