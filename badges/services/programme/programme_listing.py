"""Read-side of the staff screens on programme data: plain values for pathways, ateliers and the grid.

Nothing here writes: the staff views show these values and send forms to pathways.py / evaluation.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import (
    Agency,
    Atelier,
    BadgeClass,
    Beneficiary,
    Evaluation,
    Issuer,
    Pathway,
    Role,
    User,
)
from badges.services.programme import badge_classes, frameworks, pathways, rules

VIEWS = ("semaine", "mois")


def pathway_list(session: Session, *, issuer: Issuer) -> list[dict[str, Any]]:
    """The tiers-lieu's pathways, the most recent first."""
    found = session.scalars(
        select(Pathway).where(Pathway.issuer_id == issuer.id).order_by(Pathway.start_date.desc(), Pathway.id)
    )
    return [
        {
            "id": p.public_id,
            "title": p.title,
            "type": p.type,
            "category": p.category,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "agency": p.agency.name if p.agency else "",
            "beneficiaries": len(p.enrolments),
            "ateliers": len(p.ateliers),
        }
        for p in found
    ]


def pathway_form(pathway: Pathway) -> dict[str, Any]:
    """A pathway as its edit form shows it (strings and lists of ids)."""
    return {
        "title": pathway.title,
        "type": pathway.type,
        "category": pathway.category,
        "start_date": pathway.start_date.isoformat(),
        "end_date": pathway.end_date.isoformat() if pathway.end_date else "",
        "agency": pathway.agency.public_id if pathway.agency else "",
        "counsellor": pathway.counsellor.public_id if pathway.counsellor else "",
        "badge_classes": [b.public_id for b in pathway.badge_classes],
    }


def pathway_choices(session: Session, *, issuer: Issuer) -> dict[str, list[tuple[str, str]]]:
    """Agencies, counsellors and the tiers-lieu's badge classes a pathway may name."""
    agencies = session.scalars(select(Agency).order_by(Agency.name))
    counsellors = session.scalars(
        select(User).where(User.role == Role.COUNSELLOR.value, User.is_active.is_(True)).order_by(User.name)
    )
    badges = session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name)
    )
    return {
        "agencies": [(a.public_id, a.name) for a in agencies],
        "counsellors": [
            (u.public_id, f"{u.name} ({u.agency.name})" if u.agency else u.name) for u in counsellors
        ],
        "badge_classes": [(b.public_id, b.name) for b in badges],
    }


def _atelier_item(atelier: Atelier) -> dict[str, Any]:
    return {
        "id": atelier.public_id,
        "title": atelier.title,
        "held_on": atelier.held_on,
        "duration_minutes": atelier.duration_minutes,
        "pathway": atelier.pathway.title,
        "pathway_id": atelier.pathway.public_id,
        "competencies": [c.label for c in atelier.competencies],
        "present": sum(1 for a in atelier.attendances if a.present),
    }


def pathway_detail(session: Session, pathway: Pathway) -> dict[str, Any]:
    people = pathways.enrolled(session, pathway)
    others = session.scalars(
        select(Beneficiary)
        .where(
            Beneficiary.issuer_id == pathway.issuer_id, Beneficiary.id.not_in([b.id for b in people.values()])
        )
        .order_by(Beneficiary.display_name)
    )
    return {
        **pathway_form(pathway),
        "id": pathway.public_id,
        "start": pathway.start_date,
        "end": pathway.end_date,
        "agency_name": pathway.agency.name if pathway.agency else "",
        "counsellor_name": pathway.counsellor.name if pathway.counsellor else "",
        "badge_names": [b.name for b in pathway.badge_classes],
        "ateliers": [_atelier_item(a) for a in sorted(pathway.ateliers, key=lambda a: (a.held_on, a.id))],
        "people": [{"id": b.public_id, "name": b.display_name} for b in people.values()],
        "not_enrolled": [(b.public_id, b.display_name) for b in others],
    }


def competence_choices(session: Session) -> list[dict[str, Any]]:
    """Competences an atelier may work, by framework: the profile cards first, then the references."""
    found = frameworks.all_latest(session)
    ordered = sorted(found, key=lambda f: (f.kind != "profile", f.name))
    return [
        {
            "title": f"{f.name} ({f.version})",
            "slug": f.slug,
            "reference": f.kind != "profile",
            "options": [(c.ref, f"{c.code} · {c.title}") for c in f.competencies],
        }
        for f in ordered
    ]


def pathway_badges(session: Session, pathway: Pathway) -> list[dict[str, Any]]:
    """The badges a pathway's ateliers can lead to (its own classes, else the tiers-lieu's automatic
    ones), each with the competences its rules read: the atelier form shows which ones it covers."""
    classes = list(pathway.badge_classes) or badge_classes.auto_awarded(session, pathway.issuer_id)
    found = []
    for badge in classes:
        needed = rules.required_competencies(badge)
        found.append(
            {
                "name": badge.name,
                "level": badge.level,
                "competencies": [
                    {"ref": c.ref, "label": c.label} for c in badge.competencies if c.id in needed
                ],
            }
        )
    return found


def atelier_form(atelier: Atelier) -> dict[str, Any]:
    return {
        "title": atelier.title,
        "held_on": atelier.held_on.isoformat(),
        "duration_minutes": str(atelier.duration_minutes),
        "competencies": [c.ref for c in atelier.competencies],
    }


def atelier_detail(session: Session, atelier: Atelier) -> dict[str, Any]:
    present = {a.beneficiary_id: a.present for a in atelier.attendances}
    people = pathways.enrolled(session, atelier.pathway)
    return {
        **_atelier_item(atelier),
        "attendance": [
            {"id": b.public_id, "name": b.display_name, "present": present.get(b.id, False)}
            for b in people.values()
        ],
        "recorded": bool(present),
    }


def period_of_view(view: str, day: date) -> tuple[date, date, date, date]:
    """First and last day of the week (Monday) or month holding `day`, and the previous / next start."""
    if view == "mois":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start, end, (start - timedelta(days=1)).replace(day=1), end + timedelta(days=1)
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6), start - timedelta(days=7), start + timedelta(days=7)


def calendar(session: Session, *, issuer: Issuer, start: date, end: date) -> list[dict[str, Any]]:
    """The tiers-lieu's ateliers between two days, grouped by day (days without atelier left out)."""
    found = session.scalars(
        select(Atelier)
        .join(Pathway)
        .where(Pathway.issuer_id == issuer.id, Atelier.held_on >= start, Atelier.held_on <= end)
        .order_by(Atelier.held_on, Atelier.id)
    )
    days: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for atelier in found:
        days[atelier.held_on].append(_atelier_item(atelier))
    return [{"day": day, "ateliers": items} for day, items in sorted(days.items())]


def grid(session: Session, atelier: Atelier) -> dict[str, Any]:
    """The atelier's group (rows) and competences (columns), with this atelier's latest results and
    attendance (`recorded` is false until someone saved who came)."""
    people = list(pathways.enrolled(session, atelier.pathway).values())
    present = {a.beneficiary_id for a in atelier.attendances if a.present}
    latest: dict[tuple[int, int], str] = {}
    for item in session.scalars(
        select(Evaluation).where(Evaluation.atelier_id == atelier.id).order_by(Evaluation.id)
    ):
        latest[(item.beneficiary_id, item.competency_id)] = item.result
    worked = atelier.competencies
    columns = [
        {"ref": c.ref, "code": c.code, "short": c.short_label, "title": c.title, "label": c.label}
        for c in worked
    ]
    return {
        "atelier": _atelier_item(atelier),
        "columns": columns,
        "recorded": bool(atelier.attendances),
        "rows": [
            {
                "id": b.public_id,
                "name": b.display_name,
                "present": b.id in present,
                "previous": {c.ref: latest.get((b.id, c.id), "") for c in worked},
            }
            for b in people
        ],
    }
