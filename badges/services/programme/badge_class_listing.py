"""Read-side of the staff badge-class screens: plain values for the list, the detail and the edit form.

Nothing here writes: the staff views show these values and send forms to badge_classes.py.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime
from itertools import groupby
from typing import TypedDict

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Competency, Credential, Issuer
from badges.services.credentials import endorsement_listing, images, revisions
from badges.services.credentials.links import Links
from badges.services.programme import badge_classes, frameworks, pathway_badges, rules
from badges.services.shared import profiles

Choice = tuple[str, str]


class ClassSummary(TypedDict):
    id: str
    name: str
    level: str
    profile: str | None
    rule: list[str]
    revision: int
    awarded: int
    image: str


class Aligned(TypedDict):
    code: str
    title: str
    framework: str


class CompetenceView(Aligned):
    aligned: list[Aligned]


class RevisionItem(TypedDict):
    number: int
    created_at: datetime
    url: str
    awarded: int
    # Who endorsed exactly this revision (issue 16): an endorsement stays with the text it was given for.
    endorsed_by: list[str]


class ClassDetail(ClassSummary):
    description: str
    criteria: str
    criteria_composed: bool
    tags: list[str]
    validity_days: int | None
    image_uploaded: bool
    competencies: list[CompetenceView]
    revisions: list[RevisionItem]
    public_url: str
    # An earlier revision is endorsed and the latest one is not (yet): the page says so.
    latest_not_endorsed: bool


class AreaOptions(TypedDict):
    name: str
    options: list[Choice]


class FrameworkOptions(TypedDict):
    """A framework's competences a class may recognise, by area."""

    title: str
    slug: str
    areas: list[AreaOptions]


class RuleForm(TypedDict):
    rule_mode: str
    rule_competences: str
    rule_level: str
    rule_at_least: str
    rule_competencies: list[str]
    rule_ateliers: str
    rule_hours: str
    rule_simplified: bool


class ClassForm(RuleForm):
    """A class as its edit form shows it (strings and lists of competence references)."""

    name: str
    description: str
    criteria_narrative: str
    level: str
    profile: str
    validity_days: str
    tags: str
    competencies: list[str]
    image_source: str
    palette: str
    image_data: str


def awarded_by_revision(session: Session, badge_ids: list[int]) -> dict[tuple[int, int], int]:
    """(class id, revision id) -> credentials issued, revoked ones included (they were issued)."""
    if not badge_ids:
        return {}
    found = session.execute(
        select(Credential.badge_class_id, Credential.revision_id, func.count())
        .where(Credential.badge_class_id.in_(badge_ids))
        .group_by(Credential.badge_class_id, Credential.revision_id)
    )
    return {(class_id, revision_id): count for class_id, revision_id, count in found}


def awarded(session: Session, badge: BadgeClass) -> int:
    return sum(awarded_by_revision(session, [badge.id]).values())


def _summary(badge: BadgeClass, links: Links, count: int) -> ClassSummary:
    latest = revisions.latest_of(badge)
    return {
        "id": badge.public_id,
        "name": badge.name,
        "level": badge.level,
        # Internal: the staff screens show it, the published badge never carries it.
        "profile": badge.profile,
        "rule": rules.describe(badge) or pathway_badges.summary(latest.pathway),
        "revision": latest.number,
        "awarded": count,
        "image": links.badge_image(latest.public_id),
    }


def class_rows(session: Session, *, issuer: Issuer, links: Links) -> list[ClassSummary]:
    """The tiers-lieu's badge classes by name, with their latest revision and how many were awarded."""
    found = badge_classes.list_for(session, issuer)
    totals: dict[int, int] = defaultdict(int)
    for (class_id, _revision_id), count in awarded_by_revision(session, [b.id for b in found]).items():
        totals[class_id] += count
    return [_summary(b, links, totals[b.id]) for b in found]


def _competence(competency: Competency) -> CompetenceView:
    return {
        "code": competency.code,
        "title": competency.title,
        "framework": competency.framework.name,
        # A profile card's competence is published with the reference competences it maps to.
        "aligned": [
            {"code": a.target.code, "title": a.target.title, "framework": a.target.framework.name}
            for a in competency.alignments
            if competency.framework.kind != "reference"
        ],
    }


def class_detail(session: Session, badge: BadgeClass, links: Links) -> ClassDetail:
    counts = awarded_by_revision(session, [badge.id])
    history: list[RevisionItem] = [
        {
            "number": r.number,
            "created_at": r.created_at,
            "url": links.achievement(r.public_id),
            "awarded": counts.get((badge.id, r.id), 0),
            "endorsed_by": endorsement_listing.endorsers_of(session, r),
        }
        for r in reversed(badge.revisions)
    ]
    return {
        **_summary(badge, links, sum(counts.values())),
        "description": badge.description,
        "criteria": badge.criteria_narrative,
        "criteria_composed": badge.criteria_composed,
        "tags": list(badge.tags or []),
        "validity_days": badge.validity_days,
        "image_uploaded": badge.image_uploaded,
        "competencies": [_competence(c) for c in badge.competencies],
        "revisions": history,
        "public_url": history[0]["url"],
        "latest_not_endorsed": not history[0]["endorsed_by"] and any(r["endorsed_by"] for r in history[1:]),
    }


def competence_groups(session: Session) -> list[FrameworkOptions]:
    """Competences a class may recognise: by framework (references first), then by area, code + title."""
    groups: list[FrameworkOptions] = []
    for framework in frameworks.all_latest(session):
        areas: list[AreaOptions] = [
            {"name": area or framework.name, "options": [(c.ref, f"{c.code} · {c.title}") for c in items]}
            for area, items in groupby(framework.competencies, key=lambda c: c.area)
        ]
        groups.append(
            {"title": f"{framework.name} ({framework.version})", "slug": framework.slug, "areas": areas}
        )
    return groups


def drawn_palette(png: bytes) -> str | None:
    """The palette a drawn image was made with, read from its outer ring (the palette is not stored)."""
    with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
        ring = image.convert("RGB").getpixel((images.SIZE // 2, 24))
    wanted = "#{:02x}{:02x}{:02x}".format(*ring) if isinstance(ring, tuple) else ""
    return next((name for name, (dark, _) in images.PALETTES.items() if dark == wanted), None)


def _rule_form(session: Session, badge: BadgeClass) -> RuleForm:
    rule = rules.to_json(session, badge.rule or [])
    acquired = next((p for p in rule if p["type"] == rules.CompetencesAcquired.name), None)
    attendance = next((p for p in rule if p["type"] == rules.MinAttendance.name), {})
    return {
        "rule_mode": "auto" if rule else "main",
        "rule_competences": "yes" if acquired is not None or not rule else "",
        "rule_level": (acquired or {}).get("level", ""),
        "rule_at_least": str((acquired or {}).get("at_least", "")),
        "rule_competencies": (acquired or {}).get("competencies", []),
        "rule_ateliers": str(attendance.get("ateliers", "")),
        "rule_hours": str(attendance.get("hours", "")),
        # The API may declare several conditions of a kind; this form shows (and keeps) one of each.
        "rule_simplified": len(rule) != len({p["type"] for p in rule}),
    }


def class_form(session: Session, badge: BadgeClass) -> ClassForm:
    """A class as its edit form shows it (strings and lists of competence references)."""
    palette = "" if badge.image_uploaded else drawn_palette(badge.image_png) or ""
    if palette == profiles.palette_for(badge.profile):
        palette = ""  # the profile's colour family: it follows the profile if that changes
    return {
        "name": badge.name,
        "description": badge.description,
        # A composed text is left out: an empty field keeps it composed (and recomposed on changes).
        "criteria_narrative": "" if badge.criteria_composed else badge.criteria_narrative,
        "level": badge.level,
        "profile": badge.profile or "",
        "validity_days": str(badge.validity_days or ""),
        "tags": ", ".join(badge.tags or []),
        "competencies": badge_classes.competency_refs(badge.competencies),
        "image_source": "upload" if badge.image_uploaded else "drawn",
        "palette": palette,
        "image_data": "",
        **_rule_form(session, badge),
    }
