"""What the group's ressenti says, for the médiateur: counts per pictogram, sentences ticked, free words.

Never a ranking and never a name next to a feeling: a summary holds counts, and the words sorted
alphabetically (their order tells nothing about who wrote them). The next atelier of a pathway shows the
"à revoir" sentences of the previous ones, as counts per competence.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from badges.models import Atelier, Attendance, Beneficiary, Pathway, Ressenti, RessentiItem
from badges.services.programme.ressenti import FEELINGS, KINDS, POSITIVE, attended, is_open


class CompetenceCounts(TypedDict):
    """One competence of the atelier: its title and how many people ticked each sentence."""

    ref: str
    title: str
    appris: int
    acquis: int
    a_revoir: int


class GroupSummary(TypedDict):
    answers: int
    present: int
    feelings: list[tuple[str, int]]  # every pictogram in FEELINGS order, with its count
    competences: list[CompetenceCounts]
    words: list[str]


class ReviewItem(TypedDict):
    """A competence people want to review, with how many and the dates of the ateliers they said it at."""

    title: str
    people: int
    dates: list[date]


class HolderAtelier(TypedDict):
    id: str
    title: str
    held_on: date
    answered: bool


class SessionFeeling(TypedDict):
    """One atelier of a pathway as its participants felt it (the restitution reads these over time)."""

    id: str
    title: str
    held_on: date
    answers: int
    feelings: list[tuple[str, int]]
    positive: bool  # more than half of the answers "très bien" or "bien"
    to_review: int  # "à revoir" sentences ticked


class Participant(TypedDict):
    id: str
    name: str
    answered: bool


def participants(session: Session, atelier: Atelier) -> list[Participant]:
    """The people present, in name order, each with whether they answered (the tablet round's order)."""
    answered = set(session.scalars(select(Ressenti.beneficiary_id).where(Ressenti.atelier_id == atelier.id)))
    people = session.scalars(
        select(Beneficiary)
        .join(Attendance, Attendance.beneficiary_id == Beneficiary.id)
        .where(Attendance.atelier_id == atelier.id, Attendance.present.is_(True))
        .order_by(Beneficiary.display_name, Beneficiary.id)
    )
    return [{"id": b.public_id, "name": b.display_name, "answered": b.id in answered} for b in people]


def group_summary(session: Session, atelier: Atelier) -> GroupSummary:
    answers = list(session.scalars(select(Ressenti).where(Ressenti.atelier_id == atelier.id)))
    feelings = Counter(answer.feeling for answer in answers)
    ticks = Counter((item.competency_id, item.kind) for answer in answers for item in answer.items)
    present = session.scalars(
        select(Attendance.beneficiary_id).where(
            Attendance.atelier_id == atelier.id, Attendance.present.is_(True)
        )
    )
    return {
        "answers": len(answers),
        "present": len(list(present)),
        "feelings": [(feeling, feelings[feeling]) for feeling in FEELINGS],
        "competences": [
            {
                "ref": c.ref,
                "title": c.title,
                "appris": ticks[(c.id, KINDS[0])],
                "acquis": ticks[(c.id, KINDS[1])],
                "a_revoir": ticks[(c.id, KINDS[2])],
            }
            for c in atelier.competencies
        ],
        "words": sorted((answer.words for answer in answers if answer.words), key=str.casefold),
    }


def to_review(session: Session, atelier: Atelier) -> list[ReviewItem]:
    """The "à revoir" sentences of the pathway's earlier ateliers, per competence (most asked first)."""
    rows = session.execute(
        select(RessentiItem, Ressenti.beneficiary_id, Atelier.held_on)
        .join(Ressenti, Ressenti.id == RessentiItem.ressenti_id)
        .join(Atelier, Atelier.id == Ressenti.atelier_id)
        .where(
            RessentiItem.kind == "a_revoir",
            Atelier.pathway_id == atelier.pathway_id,
            or_(
                Atelier.held_on < atelier.held_on,
                and_(Atelier.held_on == atelier.held_on, Atelier.id < atelier.id),
            ),
        )
    )
    people: dict[int, set[int]] = {}
    dates: dict[int, set[date]] = {}
    titles: dict[int, str] = {}
    for item, beneficiary_id, held_on in rows:
        people.setdefault(item.competency_id, set()).add(beneficiary_id)
        dates.setdefault(item.competency_id, set()).add(held_on)
        titles[item.competency_id] = item.competency.title
    found: list[ReviewItem] = [
        {"title": titles[cid], "people": len(who), "dates": sorted(dates[cid])} for cid, who in people.items()
    ]
    return sorted(found, key=lambda item: (-item["people"], item["title"]))


def open_ateliers(
    session: Session, beneficiary: Beneficiary, *, today: date, open_days: int
) -> list[HolderAtelier]:
    """The recent ateliers this person came to and can still answer about, newest first."""
    recent = attended(session, beneficiary, start=today - timedelta(days=open_days), end=today)
    answered = set(
        session.scalars(
            select(Ressenti.atelier_id).where(
                Ressenti.beneficiary_id == beneficiary.id, Ressenti.atelier_id.in_([a.id for a in recent])
            )
        )
    )
    return [
        {"id": a.public_id, "title": a.title, "held_on": a.held_on, "answered": a.id in answered}
        for a in recent
        if is_open(a, today=today, open_days=open_days)
    ]


def pathway_timeline(session: Session, pathway: Pathway) -> list[SessionFeeling]:
    """The ressenti of each atelier of the pathway that has answers, in date order (counts only)."""
    rows = session.execute(
        select(Atelier, Ressenti)
        .join(Ressenti, Ressenti.atelier_id == Atelier.id)
        .where(Atelier.pathway_id == pathway.id)
        .order_by(Atelier.held_on, Atelier.id)
    )
    grouped: dict[int, tuple[Atelier, list[Ressenti]]] = {}
    for atelier, answer in rows:
        grouped.setdefault(atelier.id, (atelier, []))[1].append(answer)
    timeline: list[SessionFeeling] = []
    for atelier, answers in grouped.values():
        felt = Counter(answer.feeling for answer in answers)
        timeline.append(
            {
                "id": atelier.public_id,
                "title": atelier.title,
                "held_on": atelier.held_on,
                "answers": len(answers),
                "feelings": [(feeling, felt[feeling]) for feeling in FEELINGS],
                "positive": 2 * sum(felt[f] for f in POSITIVE) > len(answers),
                "to_review": sum(1 for a in answers for item in a.items if item.kind == "a_revoir"),
            }
        )
    return timeline
