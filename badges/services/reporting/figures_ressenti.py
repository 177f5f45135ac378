"""Key figures of the participants' voice (ressenti), with the same period and filters as the others.

Definitions (the atelier's day decides the period; the filters are scope.Filters):
* sessions answered: ateliers held in the period with at least one answer;
* sessions felt positive: those where more than half of the answers are "très bien" or "bien" (a
  session, not a person, is counted: the figure says how ateliers went, never who felt what);
* most frequent "acquired" and "to review" items: per competence, how many answers ticked "Je sais le
  faire" or "Je veux revoir", most ticked first.
The profile filter keeps the answers of people with that profile. Only aggregates leave this module.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Atelier, Beneficiary, Competency, Framework, Issuer, Pathway, Ressenti, RessentiItem
from badges.services.programme.ressenti import FEELINGS, POSITIVE
from badges.services.reporting.scope import Filters, Period
from badges.services.shared import spreadsheet

# The French words of the CSV file (the page says them in the reader's language).
FEELING_NAMES = {"tres_bien": "Très bien", "bien": "Bien", "moyen": "Moyen", "difficile": "Difficile"}


class CompetenceItems(TypedDict):
    ref: str  # <framework slug>:<code>
    label: str  # "Pix 2.1 Interagir"
    acquis: int
    a_revoir: int


class RessentiFigures(TypedDict):
    answers: int
    sessions: int
    sessions_positive: int
    positive_share: int  # per cent of the sessions answered, rounded; 0 when none
    feelings: list[tuple[str, int]]
    acquired: list[CompetenceItems]  # most "acquis" first, competences never ticked left out
    to_review: list[CompetenceItems]  # most "à revoir" first, likewise


def _answers(session: Session, period: Period, filters: Filters) -> Any:
    query = (
        select(Ressenti.id, Ressenti.atelier_id, Ressenti.feeling)
        .join(Atelier, Atelier.id == Ressenti.atelier_id)
        .join(Pathway, Pathway.id == Atelier.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .join(Beneficiary, Beneficiary.id == Ressenti.beneficiary_id)
        .where(Atelier.held_on >= period.start, Atelier.held_on <= period.end)
    )
    wanted = {
        Issuer.department: filters.department,
        Pathway.type: filters.pathway_type,
        Pathway.category: filters.category,
        Beneficiary.profile: filters.profile,
    }
    for column, value in wanted.items():
        if value is not None:
            query = query.where(column == value)
    if filters.issuer_ids is not None:
        query = query.where(Issuer.id.in_(filters.issuer_ids))
    return session.execute(query).all()


def _items(session: Session, answer_ids: list[int]) -> list[CompetenceItems]:
    ticks: dict[int, Counter[str]] = defaultdict(Counter)
    for chunk in range(0, len(answer_ids), 500):
        rows = session.execute(
            select(RessentiItem.competency_id, RessentiItem.kind).where(
                RessentiItem.ressenti_id.in_(answer_ids[chunk : chunk + 500]),
                RessentiItem.kind.in_(("acquis", "a_revoir")),
            )
        )
        for competency_id, kind in rows:
            ticks[competency_id][kind] += 1
    named = session.execute(
        select(Competency, Framework)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(Competency.id.in_(list(ticks)))
    )
    return [
        {
            "ref": f"{framework.slug}:{competency.code}",
            "label": competency.label,
            "acquis": ticks[competency.id]["acquis"],
            "a_revoir": ticks[competency.id]["a_revoir"],
        }
        for competency, framework in named
    ]


def ressenti_figures(session: Session, *, period: Period, filters: Filters) -> RessentiFigures:
    answers = _answers(session, period, filters)
    per_session: dict[int, list[str]] = defaultdict(list)
    for _id, atelier_id, feeling in answers:
        per_session[atelier_id].append(feeling)
    positive = sum(1 for felt in per_session.values() if 2 * sum(f in POSITIVE for f in felt) > len(felt))
    feelings = Counter(feeling for _id, _atelier, feeling in answers)
    items = _items(session, [row[0] for row in answers])
    return {
        "answers": len(answers),
        "sessions": len(per_session),
        "sessions_positive": positive,
        "positive_share": round(100 * positive / len(per_session)) if per_session else 0,
        "feelings": [(feeling, feelings[feeling]) for feeling in FEELINGS],
        "acquired": sorted((i for i in items if i["acquis"]), key=lambda i: (-i["acquis"], i["label"])),
        "to_review": sorted((i for i in items if i["a_revoir"]), key=lambda i: (-i["a_revoir"], i["label"])),
    }


def csv_text(found: RessentiFigures) -> str:
    """The ressenti part of the key figures' CSV file (appended after the other figures)."""
    out = io.StringIO()
    writer = spreadsheet.Writer(out)
    writer.writerow([])
    writer.writerow(["Ressenti des participants", "Valeur"])
    writer.writerow(["Réponses", found["answers"]])
    writer.writerow(["Ateliers avec des réponses", found["sessions"]])
    writer.writerow(["Ateliers vécus positivement", found["sessions_positive"]])
    writer.writerow(["Part des ateliers vécus positivement (%)", found["positive_share"]])
    for feeling, n in found["feelings"]:
        writer.writerow([f"Réponses « {FEELING_NAMES[feeling]} »", n])
    writer.writerow([])
    writer.writerow(["Compétence", "Je sais le faire (acquis)", "Je veux revoir (à revoir)"])
    rows = {i["ref"]: i for i in found["acquired"] + found["to_review"]}
    for item in sorted(rows.values(), key=lambda i: (-i["acquis"], -i["a_revoir"], i["label"])):
        writer.writerow([item["label"], item["acquis"], item["a_revoir"]])
    return out.getvalue()
