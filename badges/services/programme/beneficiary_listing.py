"""Read-side of the beneficiary screens: the staff list and file, and the counsellor's agency view.

What a counsellor sees is narrower than staff (docs/domain.md#D-gdpr-minimisation): first name or
alias, the pathway, the competences acquired and the badges still valid. Never a failed or lower result,
a note, the internal profile label, an e-mail or a phone number.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from badges.models import (
    Agency,
    BadgeClass,
    Beneficiary,
    Competency,
    Credential,
    Enrolment,
    Issuer,
    Pathway,
    PendingAward,
    ReviewFlag,
)
from badges.services.programme import awarding, class_scope, rules


class PersonRow(TypedDict):
    id: str
    name: str
    profile: str
    consent_at: datetime | None
    pending: int
    flags: int


class PersonForm(TypedDict):
    display_name: str
    email: str
    phone: str
    profile: str
    show_name_in_badges: bool
    needs_french_support: bool


class PathwayItem(TypedDict):
    id: str
    title: str
    since: datetime


class AwardItem(TypedDict):
    id: str
    badge: str
    revoked: bool


class PendingItem(TypedDict):
    badge: str
    since: datetime


class FlagItem(TypedDict):
    award: str
    badge: str
    competency: str
    before: str
    after: str


class PersonFile(PersonForm):
    """The staff file of one beneficiary."""

    id: str
    consent_at: datetime | None
    pathways: list[PathwayItem]
    awards: list[AwardItem]
    pending: list[PendingItem]
    awardable: list[tuple[str, str]]
    flags: list[FlagItem]


class FollowedPerson(TypedDict):
    """What a counsellor sees of a beneficiary (never failures, notes, profile or contact details)."""

    id: str
    name: str
    pathways: list[str]
    skills: list[str]
    badges: list[str]


def _counts(session: Session, model: Any, column: Any, ids: list[int], *extra: Any) -> dict[int, int]:
    found: dict[int, int] = defaultdict(int)
    for (owner,) in session.execute(select(column).where(column.in_(ids), *extra)):
        found[owner] += 1
    return found


def people(session: Session, *, issuer: Issuer) -> list[PersonRow]:
    """The tiers-lieu's beneficiaries with consent, pending awards and open review flags."""
    found = list(
        session.scalars(
            select(Beneficiary).where(Beneficiary.issuer_id == issuer.id).order_by(Beneficiary.display_name)
        )
    )
    ids = [b.id for b in found]
    pending = _counts(session, PendingAward, PendingAward.beneficiary_id, ids)
    flags = _counts(
        session,
        ReviewFlag,
        Credential.beneficiary_id,
        ids,
        ReviewFlag.credential_id == Credential.id,
        ReviewFlag.resolved_at.is_(None),
    )
    return [
        {
            "id": b.public_id,
            "name": b.display_name,
            "profile": b.profile or "",
            "consent_at": b.consent_at,
            "pending": pending.get(b.id, 0),
            "flags": flags.get(b.id, 0),
        }
        for b in found
    ]


def form_of(person: Beneficiary) -> PersonForm:
    return {
        "display_name": person.display_name,
        "email": person.email or "",
        "phone": person.phone or "",
        "profile": person.profile or "",
        "show_name_in_badges": person.show_name_in_badges,
        "needs_french_support": person.needs_french_support,
    }


def file_of(session: Session, person: Beneficiary) -> PersonFile:
    """The staff file: the record, pathways, awards, awards waiting for consent, badges to review."""
    enrolments = session.execute(
        select(Pathway, Enrolment).join(Enrolment).where(Enrolment.beneficiary_id == person.id)
    )
    awards = session.scalars(
        select(Credential).where(Credential.beneficiary_id == person.id).order_by(Credential.issued_at)
    )
    pending = session.scalars(select(PendingAward).where(PendingAward.beneficiary_id == person.id))
    flags = session.scalars(
        select(ReviewFlag)
        .join(Credential)
        .where(Credential.beneficiary_id == person.id, ReviewFlag.resolved_at.is_(None))
    )
    return {
        **form_of(person),
        "id": person.public_id,
        "consent_at": person.consent_at,
        "pathways": [{"id": p.public_id, "title": p.title, "since": e.enrolled_at} for p, e in enrolments],
        "awards": [
            {"id": c.public_id, "badge": c.badge_class.name, "revoked": c.revoked_at is not None}
            for c in awards
        ],  # fmt: skip
        "pending": [{"badge": p.badge_class.name, "since": p.created_at} for p in pending],
        "awardable": awardable(session, person),
        "flags": [
            {
                "award": f.credential.public_id,
                "badge": f.credential.badge_class.name,
                "competency": f.competency.code,
                "before": f.previous_result,
                "after": f.new_result,
            }
            for f in flags
        ],
    }


def awardable(session: Session, person: Beneficiary) -> list[tuple[str, str]]:
    """(public id, name) of the badge classes this person does not hold yet: the tiers-lieu's own, then
    those other tiers-lieux share with the network (named with their creator)."""
    held = select(Credential.badge_class_id).where(Credential.beneficiary_id == person.id)
    found = session.scalars(
        select(BadgeClass)
        .where(
            class_scope.own_or_shared(person.issuer_id),
            BadgeClass.id.not_in(held),
        )
        .order_by(BadgeClass.issuer_id != person.issuer_id, BadgeClass.name, BadgeClass.id)
        .options(selectinload(BadgeClass.issuer))
    )
    return [(badge.public_id, class_scope.label(badge, person.issuer_id)) for badge in found]


def _acquired(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Beneficiary id -> competences whose latest staff result reaches the competence's level."""
    latest = awarding.latest_staff_results(session, ids)
    competencies = {c.id: c for c in session.scalars(select(Competency).where(
        Competency.id.in_({competency for _, competency in latest})))}  # fmt: skip
    found: dict[int, list[str]] = defaultdict(list)
    for (person, competency_id), result in sorted(latest.items()):
        competency = competencies[competency_id]
        if rules.rank(result) >= rules.rank(competency.level or "N1"):
            found[person].append(f"{competency.code} · {competency.title} ({result})")
    return found


def agency_people(session: Session, *, agency: Agency | None) -> list[FollowedPerson]:
    """Beneficiaries of the pathways this agency follows, with what they acquired (never failures)."""
    if agency is None:
        return []
    rows = session.execute(
        select(Beneficiary, Pathway, Issuer)
        .join(Enrolment, Enrolment.beneficiary_id == Beneficiary.id)
        .join(Pathway, Pathway.id == Enrolment.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .where(Pathway.agency_id == agency.id)
        .order_by(Beneficiary.display_name, Pathway.start_date)
    ).all()
    ids = sorted({person.id for person, _, _ in rows})
    acquired = _acquired(session, ids)
    badges: dict[int, list[str]] = defaultdict(list)
    for credential in session.scalars(
        select(Credential).where(Credential.beneficiary_id.in_(ids), Credential.revoked_at.is_(None))
    ):
        badges[credential.beneficiary_id or 0].append(credential.badge_class.name)
    people: dict[int, FollowedPerson] = {}
    for person, pathway, issuer in rows:
        entry = people.setdefault(person.id, {"id": person.public_id, "name": person.display_name,
                                              "pathways": [], "skills": acquired.get(person.id, []),
                                              "badges": badges.get(person.id, [])})  # fmt: skip
        entry["pathways"].append(f"{pathway.title} ({issuer.name})")
    return list(people.values())
