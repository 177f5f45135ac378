"""Read-side of the staff screens on programme data: plain values for pathways, ateliers and the grid.

Nothing here writes: the staff views show these values and send forms to pathways.py / evaluation.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

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
from badges.services.programme import badge_classes, class_scope, frameworks, pathways, rules

VIEWS = ("semaine", "mois")
Choice = tuple[str, str]


class PathwayRow(TypedDict):
    id: str
    title: str
    type: str
    category: str
    start_date: date
    end_date: date | None
    agency: str
    beneficiaries: int
    ateliers: int


class PathwayForm(TypedDict):
    """A pathway as its edit form shows it (strings and lists of ids)."""

    title: str
    type: str
    category: str
    start_date: str
    end_date: str
    agency: str
    counsellor: str
    badge_classes: list[str]
    budget: str


class PathwayChoices(TypedDict):
    agencies: list[Choice]
    counsellors: list[Choice]
    badge_classes: list[Choice]


class AtelierItem(TypedDict):
    id: str
    title: str
    held_on: date
    duration_minutes: int
    pathway: str
    pathway_id: str
    competencies: list[str]
    present: int


class Person(TypedDict):
    id: str
    name: str


class PathwayDetail(PathwayForm):
    id: str
    start: date
    end: date | None
    agency_name: str
    counsellor_name: str
    badge_names: list[str]
    budget_label: str  # "10 000", as French readers group thousands
    ateliers: list[AtelierItem]
    people: list[Person]
    not_enrolled: list[Choice]


class CompetenceGroup(TypedDict):
    """The competences of one framework, as checkboxes."""

    title: str
    slug: str
    reference: bool
    options: list[Choice]


class AtelierForm(TypedDict):
    title: str
    held_on: str
    duration_minutes: str
    competencies: list[str]


class Presence(Person):
    present: bool


class DayAtelier(AtelierItem):
    enrolled: int


class AtelierDetail(AtelierItem):
    attendance: list[Presence]
    recorded: bool


class CalendarDay(TypedDict):
    day: date
    ateliers: list[AtelierItem]


class GridColumn(TypedDict):
    ref: str
    code: str
    short: str
    title: str
    label: str


class GridRow(Person):
    present: bool
    previous: dict[str, str]


class Grid(TypedDict):
    """The atelier's group (rows) and competences (columns)."""

    atelier: AtelierItem
    columns: list[GridColumn]
    recorded: bool
    rows: list[GridRow]


class BadgeCompetence(TypedDict):
    ref: str
    label: str


class PathwayBadge(TypedDict):
    """A badge a pathway's ateliers can lead to, with the competences its rules read."""

    name: str
    level: str | None
    competencies: list[BadgeCompetence]


def pathway_list(session: Session, *, issuer: Issuer) -> list[PathwayRow]:
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


def pathway_form(pathway: Pathway) -> PathwayForm:
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
        "budget": str(pathway.budget_euros),
    }


def pathway_choices(session: Session, *, issuer: Issuer) -> PathwayChoices:
    """Agencies, counsellors and the tiers-lieu's badge classes a pathway may name."""
    agencies = session.scalars(select(Agency).order_by(Agency.name))
    counsellors = session.scalars(
        select(User).where(User.role == Role.COUNSELLOR.value, User.is_active.is_(True)).order_by(User.name)
    )
    # Its own classes, then those other tiers-lieux share (named with their creator).
    badges = session.scalars(
        select(BadgeClass)
        .where(class_scope.own_or_shared(issuer.id))
        .order_by(BadgeClass.issuer_id != issuer.id, BadgeClass.name)
        .options(selectinload(BadgeClass.issuer))
    )
    return {
        "agencies": [(a.public_id, a.name) for a in agencies],
        "counsellors": [
            (u.public_id, f"{u.name} ({u.agency.name})" if u.agency else u.name) for u in counsellors
        ],
        "badge_classes": [(b.public_id, class_scope.label(b, issuer.id)) for b in badges],
    }


def _atelier_item(atelier: Atelier) -> AtelierItem:
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


def pathway_detail(session: Session, pathway: Pathway) -> PathwayDetail:
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
        "budget_label": f"{pathway.budget_euros:,}".replace(",", "\u202f"),
        "ateliers": [_atelier_item(a) for a in sorted(pathway.ateliers, key=lambda a: (a.held_on, a.id))],
        "people": [{"id": b.public_id, "name": b.display_name} for b in people.values()],
        "not_enrolled": [(b.public_id, b.display_name) for b in others],
    }


def competence_choices(session: Session) -> list[CompetenceGroup]:
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


def pathway_badges(session: Session, pathway: Pathway) -> list[PathwayBadge]:
    """The badges a pathway's ateliers can lead to (its own classes, else the tiers-lieu's automatic
    ones), each with the competences its rules read: the atelier form shows which ones it covers."""
    classes = list(pathway.badge_classes) or badge_classes.auto_awarded(session, pathway.issuer_id)
    found: list[PathwayBadge] = []
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


def atelier_form(atelier: Atelier) -> AtelierForm:
    return {
        "title": atelier.title,
        "held_on": atelier.held_on.isoformat(),
        "duration_minutes": str(atelier.duration_minutes),
        "competencies": [c.ref for c in atelier.competencies],
    }


def atelier_detail(session: Session, atelier: Atelier) -> AtelierDetail:
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


def calendar(session: Session, *, issuer: Issuer, start: date, end: date) -> list[CalendarDay]:
    """The tiers-lieu's ateliers between two days, grouped by day (days without atelier left out)."""
    found = session.scalars(
        select(Atelier)
        .join(Pathway)
        .where(Pathway.issuer_id == issuer.id, Atelier.held_on >= start, Atelier.held_on <= end)
        .order_by(Atelier.held_on, Atelier.id)
    )
    days: dict[date, list[AtelierItem]] = defaultdict(list)
    for atelier in found:
        days[atelier.held_on].append(_atelier_item(atelier))
    return [{"day": day, "ateliers": items} for day, items in sorted(days.items())]


def day_ateliers(session: Session, *, issuer: Issuer, day: date) -> list[DayAtelier]:
    """The tiers-lieu's ateliers held on one day, with the size of each one's group (its pathway's people)."""
    found = session.scalars(
        select(Atelier)
        .join(Pathway)
        .where(Pathway.issuer_id == issuer.id, Atelier.held_on == day)
        .order_by(Atelier.id)
    )
    return [{**_atelier_item(a), "enrolled": len(a.pathway.enrolments)} for a in found]


def grid(session: Session, atelier: Atelier) -> Grid:
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
    columns: list[GridColumn] = [
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
