"""The coordinator's restitution: the partners' questionnaires side by side, per pathway and for the
network, the outcomes' orientations by kind of actor, and what the participants' ressenti says.

Only aggregates and the partners' own words leave this module: no participant's name or words.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Issuer, Pathway, PathwayClosure, PathwayOutcome, Questionnaire
from badges.services.programme import closing, ressenti_listing


class Answers(TypedDict):
    """One partner's answers (None: not answered yet)."""

    answered_at: datetime | None
    scales: dict[str, int | None]
    went_well: str
    to_improve: str


class RessentiLine(TypedDict):
    """One atelier of the pathway as its participants felt it: counts only, never a person."""

    held_on: date
    title: str
    answers: int
    positive: bool
    to_review: int


class PathwayRestitution(TypedDict):
    id: str
    title: str
    tiers_lieu: str
    closed_at: datetime | None
    answers: dict[str, Answers | None]  # closing.RESPONDENTS -> answers, None when none was sent
    outcomes: int
    people: int
    orientations: dict[str, int]  # actor kind -> orientations
    ressenti: list[RessentiLine]


class NetworkRestitution(TypedDict):
    pathways: list[PathwayRestitution]
    # respondent -> scale -> mean of the answers given (None: no answer)
    means: dict[str, dict[str, float | None]]
    answered: dict[str, int]
    orientations: dict[str, int]


def ressenti_over_sessions(session: Session, pathway: Pathway) -> list[RessentiLine]:
    """What the participants' ressenti says over the sessions (empty: the page shows no ressenti section)."""
    return [
        {
            "held_on": felt["held_on"],
            "title": felt["title"],
            "answers": felt["answers"],
            "positive": felt["positive"],
            "to_review": felt["to_review"],
        }
        for felt in ressenti_listing.pathway_timeline(session, pathway)
    ]


def _answers(found: Questionnaire | None) -> Answers | None:
    if found is None:
        return None
    return {
        "answered_at": found.answered_at,
        "scales": {name: getattr(found, name) for name in closing.SCALES},
        "went_well": found.went_well,
        "to_improve": found.to_improve,
    }


def _orientations(session: Session, pathway_ids: list[int]) -> tuple[dict[int, Counter[str]], dict[int, int]]:
    kinds: dict[int, Counter[str]] = {}
    written: Counter[int] = Counter()
    rows = session.scalars(select(PathwayOutcome).where(PathwayOutcome.pathway_id.in_(pathway_ids)))
    for outcome in rows:
        written[outcome.pathway_id] += 1
        counter = kinds.setdefault(outcome.pathway_id, Counter())
        counter.update(actor.kind for actor in outcome.orientations)
    return kinds, dict(written)


def pathway_restitution(session: Session, pathway: Pathway) -> PathwayRestitution:
    return _restitutions(session, [pathway])[0]


def _restitutions(session: Session, found: list[Pathway]) -> list[PathwayRestitution]:
    ids = [p.id for p in found]
    kinds, written = _orientations(session, ids)
    sheets = {
        (q.pathway_id, q.respondent): q
        for q in session.scalars(select(Questionnaire).where(Questionnaire.pathway_id.in_(ids)))
    }
    closed = {
        c.pathway_id: c.closed_at
        for c in session.scalars(select(PathwayClosure).where(PathwayClosure.pathway_id.in_(ids)))
    }
    return [
        {
            "id": p.public_id,
            "title": p.title,
            "tiers_lieu": p.issuer.name,
            "closed_at": closed.get(p.id),
            "answers": {r: _answers(sheets.get((p.id, r))) for r in closing.RESPONDENTS},
            "outcomes": written.get(p.id, 0),
            "people": len(p.enrolments),
            "orientations": dict(sorted(kinds.get(p.id, Counter()).items())),
            "ressenti": ressenti_over_sessions(session, p),
        }
        for p in found
    ]


def network_restitution(session: Session, *, issuer_ids: list[int] | None = None) -> NetworkRestitution:
    """Every closed pathway (of these tiers-lieux; None: the network), newest closing first."""
    query = (
        select(Pathway)
        .join(PathwayClosure, PathwayClosure.pathway_id == Pathway.id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .order_by(PathwayClosure.closed_at.desc(), Pathway.id)
    )
    if issuer_ids is not None:
        query = query.where(Pathway.issuer_id.in_(issuer_ids))
    rows = _restitutions(session, list(session.scalars(query)))
    means: dict[str, dict[str, float | None]] = {}
    answered: dict[str, int] = {}
    for respondent in closing.RESPONDENTS:
        given = [r["answers"][respondent] for r in rows]
        done = [a for a in given if a is not None and a["answered_at"] is not None]
        answered[respondent] = len(done)
        means[respondent] = {
            name: round(sum(a["scales"][name] or 0 for a in done) / len(done), 1) if done else None
            for name in closing.SCALES
        }
    total: Counter[str] = Counter()
    for row in rows:
        total.update(row["orientations"])
    return {
        "pathways": rows,
        "means": means,
        "answered": answered,
        "orientations": dict(sorted(total.items())),
    }
