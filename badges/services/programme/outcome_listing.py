"""Read-side of the end of a pathway: the outcome form, the pathway's end page, what a counsellor sees
(only with the person's agreement), and the person's outcomes for their GDPR export."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Agency, Beneficiary, Enrolment, Pathway, PathwayOutcome, ResourceActor
from badges.services.programme import closing, outcomes


class ActorItem(TypedDict):
    id: str
    kind: str
    name: str
    department: str
    address: str
    contact: str
    url: str


class OutcomeForm(TypedDict):
    next_project: str
    skills: list[str]
    orientations: list[str]
    shared: bool


class SkillChoice(TypedDict):
    ref: str
    label: str
    falc: str


class PersonEnd(TypedDict):
    id: str
    name: str
    outcome: bool
    shared: bool


class QuestionnaireItem(TypedDict):
    respondent: str
    email: str
    token: str
    answered_at: datetime | None


class PathwayEnd(TypedDict):
    id: str
    title: str
    closed_at: datetime | None
    people: list[PersonEnd]
    questionnaires: list[QuestionnaireItem]


class SharedOutcome(TypedDict):
    """What a counsellor reads of an outcome the person agreed to share."""

    pathway: str
    next_project: str
    skills: list[str]
    orientations: list[ActorItem]


def actor_item(actor: ResourceActor) -> ActorItem:
    return {
        "id": actor.public_id,
        "kind": actor.kind,
        "name": actor.name,
        "department": actor.department,
        "address": actor.address,
        "contact": actor.contact,
        "url": actor.url or "",
    }


def form_of(found: PathwayOutcome | None) -> OutcomeForm:
    if found is None:
        return {"next_project": "", "skills": [], "orientations": [], "shared": False}
    return {
        "next_project": found.next_project,
        "skills": [c.ref for c in found.skills],
        "orientations": [a.public_id for a in found.orientations],
        "shared": found.shared_at is not None,
    }


def skill_choices(session: Session, person: Beneficiary) -> list[SkillChoice]:
    """The person's acquired competences, with their easy-to-read description when the framework has one."""
    return [
        {"ref": c.ref, "label": c.label, "falc": c.falc_description or c.title}
        for c in outcomes.acquired(session, person)
    ]


def pathway_end(session: Session, pathway: Pathway, *, secret: bytes) -> PathwayEnd:
    closure = closing.closure_of(session, pathway)
    written = {
        o.beneficiary_id: o
        for o in session.scalars(select(PathwayOutcome).where(PathwayOutcome.pathway_id == pathway.id))
    }
    people = session.scalars(
        select(Beneficiary)
        .join(Enrolment)
        .where(Enrolment.pathway_id == pathway.id)
        .order_by(Beneficiary.display_name)
    )
    links = closing.links_of(session, pathway=pathway, secret=secret)
    return {
        "id": pathway.public_id,
        "title": pathway.title,
        "closed_at": closure.closed_at if closure else None,
        "people": [
            {
                "id": p.public_id,
                "name": p.display_name,
                "outcome": p.id in written,
                "shared": p.id in written and written[p.id].shared_at is not None,
            }
            for p in people
        ],
        "questionnaires": [
            {
                "respondent": i.questionnaire.respondent,
                "email": i.email or "",
                "token": i.token,
                "answered_at": i.questionnaire.answered_at,
            }
            for i in links
        ],
    }


def shared_with_agency(session: Session, *, agency: Agency | None) -> dict[str, list[SharedOutcome]]:
    """Beneficiary public id -> the outcomes they agreed to share, of the pathways this agency follows."""
    if agency is None:
        return {}
    rows = session.execute(
        select(PathwayOutcome, Pathway, Beneficiary)
        .join(Pathway, Pathway.id == PathwayOutcome.pathway_id)
        .join(Beneficiary, Beneficiary.id == PathwayOutcome.beneficiary_id)
        .where(Pathway.agency_id == agency.id, PathwayOutcome.shared_at.is_not(None))
        .order_by(Pathway.start_date, PathwayOutcome.id)
    )
    found: dict[str, list[SharedOutcome]] = {}
    for outcome, pathway, person in rows:
        found.setdefault(person.public_id, []).append(
            {
                "pathway": pathway.title,
                "next_project": outcome.next_project,
                "skills": [c.label for c in outcome.skills],
                "orientations": [actor_item(a) for a in outcome.orientations],
            }
        )
    return found


class OutcomeExport(TypedDict):
    pathway: str
    next_project: str
    skills: list[str]
    orientations: list[str]
    shared_with_counsellor_at: str | None
    created_at: str
    updated_at: str


def personal_data(session: Session, person: Beneficiary) -> list[OutcomeExport]:
    """The person's outcomes as their GDPR access request gives them back (art. 15)."""
    rows = session.scalars(
        select(PathwayOutcome).where(PathwayOutcome.beneficiary_id == person.id).order_by(PathwayOutcome.id)
    )
    return [
        {
            "pathway": o.pathway.title,
            "next_project": o.next_project,
            "skills": [c.label for c in o.skills],
            "orientations": [f"{a.name} ({a.department})" for a in o.orientations],
            "shared_with_counsellor_at": o.shared_at.isoformat() if o.shared_at else None,
            "created_at": o.created_at.isoformat(),
            "updated_at": o.updated_at.isoformat(),
        }
        for o in rows
    ]
