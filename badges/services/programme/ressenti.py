"""The participants' voice at each atelier (ressenti): record, check, export and purge one person's answers.

At the end of an atelier each person present says how they felt (a pictogram with its words, never a
score) and ticks FALC sentences per competence of the atelier: learned, acquired, to review; or writes a
few words (docs/domain.md#D-experiment, "during"). The médiateur hands the tablet round (source
"tablette"), or the person answers alone through their private link (source "lien") while the atelier is
recent. One answer per person and atelier, edited in place.

Personal data of the accompaniment file: exported and erased with the person (the foreign keys cascade),
purged after the retention period. Nothing here is read by the credential builders: a ressenti never goes
into a badge. The group's read-side (summaries, "à revoir", figures) is ``ressenti_listing``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Atelier, Attendance, Beneficiary, Enrolment, Pathway, Ressenti, RessentiItem
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import Fields

# Pictograms, from the best feeling to the hardest; the first two count as "felt positive".
FEELINGS = ("tres_bien", "bien", "moyen", "difficile")
POSITIVE = frozenset({"tres_bien", "bien"})
# FALC sentences ticked per competence: "J'ai appris", "Je sais le faire", "Je veux revoir".
KINDS = ("appris", "acquis", "a_revoir")
SOURCES = ("tablette", "lien")
WORDS_MAX = 300

NO_FEELING = message("ressenti.no_feeling", N_("Choisissez une image : comment vous êtes-vous senti ?"))
BAD_ITEM = message("ressenti.bad_item", N_("Cette phrase ne fait pas partie de cet atelier."))
NOT_PRESENT = message("ressenti.not_present", N_("Cette personne n'était pas à cet atelier."))
CLOSED = message(
    "ressenti.closed", N_("Cet atelier est passé depuis trop longtemps. On ne peut plus répondre.")
)
UNKNOWN_FIELD = message("ressenti.unknown_field", N_("Ce champ n'est pas demandé."))


class Answer(TypedDict):
    """What a form shows again: the feeling, the ticked sentences (`kind:framework:code`), the words."""

    feeling: str
    items: list[str]
    words: str


class ExportedAnswer(TypedDict):
    atelier: str
    held_on: str
    pathway: str
    feeling: str
    items: list[dict[str, str]]
    words: str
    source: str
    updated_at: str


def item_value(kind: str, competency_ref: str) -> str:
    """How a form names one sentence: `acquis:parcours-decouverte:D-06`."""
    return f"{kind}:{competency_ref}"


def _items(atelier: Atelier, raw: Any, errors: dict[str, Message]) -> set[tuple[int, str]]:
    refs = {competency.ref: competency.id for competency in atelier.competencies}
    values = raw if isinstance(raw, list) else [raw] if raw else []
    found: set[tuple[int, str]] = set()
    for value in values:
        kind, _sep, ref = str(value).partition(":") if isinstance(value, str) else ("", "", "")
        if kind not in KINDS or ref not in refs:
            errors["items"] = BAD_ITEM
            continue
        found.add((refs[ref], kind))
    return found


def validate(atelier: Atelier, data: dict[str, Any]) -> tuple[str, set[tuple[int, str]], str]:
    """The feeling (required), the ticked sentences of this atelier's competences, the bounded words."""
    unknown = sorted(set(data) - {"feeling", "items", "words"})
    fields = Fields(data)
    feeling = data.get("feeling")
    if feeling not in FEELINGS:
        fields.errors["feeling"] = NO_FEELING
    words = fields.text("words", max_len=WORDS_MAX, required=False)
    items = _items(atelier, data.get("items"), fields.errors)
    fields.errors.update({name: UNKNOWN_FIELD for name in unknown})
    fields.check()
    return str(feeling), items, words


def was_present(session: Session, atelier: Atelier, beneficiary: Beneficiary) -> bool:
    return (
        session.scalar(
            select(Attendance.present).where(
                Attendance.atelier_id == atelier.id,
                Attendance.beneficiary_id == beneficiary.id,
                Attendance.present.is_(True),
            )
        )
        is not None
    )


def answer_of(session: Session, atelier: Atelier, beneficiary: Beneficiary) -> Ressenti | None:
    return session.scalar(
        select(Ressenti).where(Ressenti.atelier_id == atelier.id, Ressenti.beneficiary_id == beneficiary.id)
    )


def form_of(answer: Ressenti | None) -> Answer:
    """The stored answer as its form shows it again (an empty form when there is none)."""
    if answer is None:
        return {"feeling": "", "items": [], "words": ""}
    return {
        "feeling": answer.feeling,
        "items": sorted(item_value(item.kind, item.competency.ref) for item in answer.items),
        "words": answer.words,
    }


def record(
    session: Session,
    *,
    atelier: Atelier,
    beneficiary: Beneficiary,
    data: dict[str, Any],
    source: str,
    now: datetime,
) -> Ressenti:
    """Store (or replace) one present person's answer; an absent person's is refused as not found."""
    if source not in SOURCES:
        raise ValueError(source)
    if beneficiary.issuer_id != atelier.pathway.issuer_id or not was_present(session, atelier, beneficiary):
        raise NotFound(NOT_PRESENT)
    feeling, items, words = validate(atelier, data)
    answer = answer_of(session, atelier, beneficiary) or _new_answer(
        session, Ressenti(feeling=feeling, words=words, source=source, created_at=now, updated_at=now),
        atelier=atelier, beneficiary=beneficiary,
    )  # fmt: skip
    answer.feeling, answer.words, answer.source, answer.updated_at = feeling, words, source, now
    answer.items = [RessentiItem(competency_id=cid, kind=kind) for cid, kind in sorted(items)]
    return answer


def _new_answer(
    session: Session, answer: Ressenti, *, atelier: Atelier, beneficiary: Beneficiary
) -> Ressenti:
    """A new answer row; when the tablet and the phone create it at the same instant, the second one
    (refused by the unique constraint, in its own savepoint) takes the first one's row instead."""
    # By ids: a refused row must not stay behind in the atelier's or the person's collections.
    answer.atelier_id, answer.beneficiary_id = atelier.id, beneficiary.id
    try:
        with session.begin_nested():
            session.add(answer)
            session.flush()
    except IntegrityError:
        found = answer_of(session, atelier, beneficiary)
        if found is None:
            raise
        return found
    return answer


def is_open(atelier: Atelier, *, today: date, open_days: int) -> bool:
    """A person answers alone from the atelier's day until `open_days` after it (then it is closed)."""
    return atelier.held_on <= today <= atelier.held_on + timedelta(days=open_days)


def attended_atelier(session: Session, beneficiary: Beneficiary, public_id: str) -> Atelier:
    """An atelier this person was present at; any other (another person's, another tiers-lieu's) is 404."""
    found = session.scalar(
        select(Atelier)
        .join(Attendance, and_(Attendance.atelier_id == Atelier.id, Attendance.present.is_(True)))
        .where(Atelier.public_id == public_id, Attendance.beneficiary_id == beneficiary.id)
    )
    if found is None:
        raise NotFound(NOT_PRESENT)
    return found


def attended(session: Session, beneficiary: Beneficiary, *, start: date, end: date) -> list[Atelier]:
    """The ateliers this person came to between two days (newest first)."""
    return list(
        session.scalars(
            select(Atelier)
            .join(Attendance, and_(Attendance.atelier_id == Atelier.id, Attendance.present.is_(True)))
            .join(Enrolment, and_(Enrolment.pathway_id == Atelier.pathway_id))
            .where(
                Attendance.beneficiary_id == beneficiary.id,
                Enrolment.beneficiary_id == beneficiary.id,
                Atelier.held_on >= start,
                Atelier.held_on <= end,
            )
            .order_by(Atelier.held_on.desc(), Atelier.id.desc())
        )
    )


def export_for(session: Session, beneficiary: Beneficiary) -> list[ExportedAnswer]:
    """Every answer of this person, as the GDPR right of access gives it (art. 15)."""
    rows = session.execute(
        select(Ressenti, Atelier, Pathway)
        .join(Atelier, Atelier.id == Ressenti.atelier_id)
        .join(Pathway, Pathway.id == Atelier.pathway_id)
        .where(Ressenti.beneficiary_id == beneficiary.id)
        .order_by(Atelier.held_on, Atelier.id)
    )
    return [
        {
            "atelier": atelier.title,
            "held_on": atelier.held_on.isoformat(),
            "pathway": pathway.title,
            "feeling": answer.feeling,
            "items": [
                {"kind": item.kind, "competence": item.competency.ref, "title": item.competency.title}
                for item in sorted(answer.items, key=lambda i: (i.competency_id, i.kind))
            ],
            "words": answer.words,
            "source": answer.source,
            "updated_at": answer.updated_at.isoformat(),
        }
        for answer, atelier, pathway in rows
    ]


def purge_expired(session: Session, *, today: date, retention_days: int) -> int:
    """Delete the answers of ateliers held more than `retention_days` ago; returns how many went."""
    limit = today - timedelta(days=retention_days)
    old = select(Atelier.id).where(Atelier.held_on < limit)
    ids = list(session.scalars(select(Ressenti.id).where(Ressenti.atelier_id.in_(old))))
    if ids:
        session.execute(delete(RessentiItem).where(RessentiItem.ressenti_id.in_(ids)))
        session.execute(delete(Ressenti).where(Ressenti.id.in_(ids)))
    return len(ids)
