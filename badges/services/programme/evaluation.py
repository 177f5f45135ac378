"""Evaluations (one, or a whole atelier's grid) and personal criteria; recording may issue badges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Beneficiary,
    Competency,
    Evaluation,
    Issuer,
    Pathway,
    PersonalCriterion,
    ReviewFlag,
    User,
)
from badges.services.programme import awarding, beneficiaries, frameworks, pathways, rating_order
from badges.services.programme.awarding import Issuing, Outcome
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import LEVELS, Fields

BENEFICIARY_NOT_FOUND = message("beneficiary.not_found", N_("Bénéficiaire introuvable."))
ATELIER_NOT_FOUND = message("atelier.not_found", N_("Atelier introuvable."))
PATHWAY_NOT_FOUND = message("pathway.not_found", N_("Parcours introuvable."))
NOT_ENROLLED = message("pathway.not_enrolled", N_("Ce bénéficiaire n'est pas inscrit à ce parcours."))
UNKNOWN_COMPETENCY = message(
    "evaluation.unknown_competency", N_("Compétence inconnue (ex. « pix-crcn:2.1 »).")
)
NOT_WORKED = message("evaluation.not_worked", N_("Cette compétence n'est pas travaillée dans cet atelier."))
CELL = message("grid.cell", N_("Cellule %(who)s × %(what)s : %(problem)s."))
CELL_WHO = message("grid.cell_who", N_("bénéficiaire « %(value)s »"))
CELL_WHAT = message("grid.cell_what", N_("compétence « %(value)s »"))
CELL_OBJECT = message("grid.object", N_("objet attendu avec « beneficiary », « competency » et « result »"))
CELL_PERSON = message("grid.person", N_("bénéficiaire inconnu ou non inscrit au parcours de cet atelier"))
CELL_COMPETENCY = message("grid.competency", N_("compétence non travaillée dans cet atelier"))
CELL_LEVEL = message("grid.level", N_("niveau attendu : %(levels)s"))
CELL_TWICE = message("grid.twice", N_("cellule en double"))
CELL_NOTE = message("grid.note", N_("la remarque est un texte de 2000 caractères au plus"))
GRID_SIZE = message("grid.size", N_("Liste de 1 à %(max)s cellules attendue."))
CRITERIA_RATED = message(
    "criteria.rated", N_("Ces objectifs ont déjà été notés en cours de parcours : ils ne changent plus.")
)
CRITERIA_COUNT = message("criteria.count", N_("Indiquez 3 ou 4 objectifs personnels."))
NO_CRITERIA = message("criteria.none", N_("Aucun objectif personnel n'a été fixé."))
RATINGS = message("criteria.ratings", N_("Une note par objectif (%(count)s), de N1 à N4."))

MOMENTS = ("avant", "pendant", "apres")
METHODS = ("auto_evaluation", "observation", "quiz", "entretien", "mise_en_situation", "jeu")
MAX_GRID_CELLS = 1000
LEVEL_MESSAGE = CELL_LEVEL(levels=", ".join(LEVELS))


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _store(session: Session, evaluations: list[Evaluation], *, now: datetime) -> list[ReviewFlag]:
    """Add the evaluations; a result lower than the previous staff one flags the badges resting on it."""
    # Read before adding: the new evaluations are not flushed yet, so their ids are unset.
    previous = awarding.latest_staff_results(session, {e.beneficiary.id for e in evaluations})
    session.add_all(evaluations)
    session.flush()
    flags = []
    for evaluation in evaluations:
        before = previous.get((evaluation.beneficiary_id, evaluation.competency_id))
        flags += awarding.flag_lowered(session, evaluation, before, now)
    return flags


def _settle(
    session: Session, issuing: Issuing, evaluations: list[Evaluation], flags: list[ReviewFlag]
) -> Outcome:
    people = {e.beneficiary_id: e.beneficiary for e in evaluations}
    outcome = awarding.settle(session, issuing, people.values())
    outcome.flags += flags
    return outcome


def _context(
    session: Session, issuer: Issuer, data: dict[str, Any], fields: Fields
) -> tuple[Beneficiary | None, Atelier | None, Pathway | None]:
    person = atelier = pathway = None
    try:
        person = beneficiaries.in_scope(
            session, public_id=str(data.get("beneficiary")), issuer_ids=[issuer.id]
        )
    except NotFound:
        fields.errors["beneficiary"] = BENEFICIARY_NOT_FOUND
    if data.get("atelier") is not None:
        try:
            atelier = pathways.atelier_in_scope(session, str(data["atelier"]), [issuer.id])
            pathway = atelier.pathway
        except NotFound:
            fields.errors["atelier"] = ATELIER_NOT_FOUND
    elif data.get("pathway") is not None:
        try:
            pathway = pathways.pathway_in_scope(session, str(data["pathway"]), [issuer.id])
        except NotFound:
            fields.errors["pathway"] = PATHWAY_NOT_FOUND
    if person is not None and pathway is not None and not pathways.is_enrolled(session, pathway, person):
        fields.errors["beneficiary"] = NOT_ENROLLED
    return person, atelier, pathway


def record(
    session: Session, issuing: Issuing, *, issuer: Issuer, evaluator: User, data: dict[str, Any]
) -> tuple[Evaluation, Outcome]:
    """One evaluation; the badges it makes due are issued in the same transaction."""
    fields = Fields(data)
    moment = fields.choice("moment", MOMENTS)
    method = fields.choice("method", METHODS)
    result = fields.choice("result", LEVELS)
    note = fields.text("note", max_len=2000, required=False)
    day = fields.date("evaluated_on", required=False)
    person, atelier, pathway = _context(session, issuer, data, fields)
    competency = frameworks.Resolver(session).resolve(data.get("competency"))
    if competency is None:
        fields.errors["competency"] = UNKNOWN_COMPETENCY
    elif atelier is not None and competency not in atelier.competencies:
        fields.errors["competency"] = NOT_WORKED
    if moment == rating_order.PENDANT and person is not None and competency is not None:
        done = rating_order.reviewed(session, pathway.id if pathway else None, {person.id})
        if (person.id, competency.id) in done:
            fields.errors["moment"] = rating_order.AFTER_REVIEW
    fields.check()
    assert person is not None and competency is not None
    evaluation = Evaluation(
        beneficiary=person,
        competency=competency,
        pathway=pathway,
        atelier=atelier,
        moment=moment,
        method=method,
        result=result,
        evaluator=evaluator,
        note=note,
        evaluated_at=_noon(day) if day else (_noon(atelier.held_on) if atelier else issuing.now),
        created_at=issuing.now,
    )
    flags = _store(session, [evaluation], now=issuing.now)
    return evaluation, _settle(session, issuing, [evaluation], flags)


def _grid_cell(
    cell: Any, people: dict[str, Beneficiary], worked: dict[str, Competency], seen: set[tuple[int, int]]
) -> tuple[Beneficiary | None, Competency | None, Message | None]:
    """The cell's beneficiary and competence, or a French message naming the cell."""
    if not isinstance(cell, dict):
        return None, None, CELL_OBJECT
    person, competency = people.get(str(cell.get("beneficiary"))), worked.get(str(cell.get("competency")))
    problem = None
    if person is None:
        problem = CELL_PERSON
    elif competency is None:
        problem = CELL_COMPETENCY
    elif cell.get("result") not in LEVELS:
        problem = LEVEL_MESSAGE
    elif (person.id, competency.id) in seen:
        problem = CELL_TWICE
    elif not isinstance(cell.get("note", ""), str) or len(cell.get("note", "")) > 2000:
        problem = CELL_NOTE
    if problem is None:
        seen.add((person.id, competency.id))  # type: ignore[union-attr]
        return person, competency, None
    who = person.display_name if person else CELL_WHO(value=str(cell.get("beneficiary")))
    what = competency.code if competency else CELL_WHAT(value=str(cell.get("competency")))
    return person, competency, CELL(who=who, what=what, problem=problem)


def _grid_cells(data: dict[str, Any], fields: Fields) -> list[Any]:
    """The grid's cells, or none (and `results` reported) when there are too many or too few."""
    cells = data.get("results")
    # With the attendance sent, a grid may change only who came (no new level).
    low = 0 if data.get("attendance") else 1
    if not isinstance(cells, list) or not low <= len(cells) <= MAX_GRID_CELLS:
        fields.errors["results"] = GRID_SIZE(max=MAX_GRID_CELLS)
        return []
    return cells


def _grid_evaluations(
    session: Session, atelier: Atelier, evaluator: User, data: dict[str, Any], fields: Fields, now: datetime
) -> list[Evaluation]:
    """The grid's cells as evaluations; each bad cell is reported as `results[<position>]`."""
    moment = fields.choice("moment", MOMENTS)
    method = fields.choice("method", METHODS)
    cells = _grid_cells(data, fields)
    people = pathways.enrolled(session, atelier.pathway)
    worked = {c.ref: c for c in atelier.competencies}
    seen: set[tuple[int, int]] = set()
    evaluations = []
    done = rating_order.closed_for(session, moment, atelier.pathway_id, {p.id for p in people.values()})
    for position, cell in enumerate(cells):
        person, competency, problem = _grid_cell(cell, people, worked, seen)
        if problem is None and person and competency and (person.id, competency.id) in done:
            after = rating_order.AFTER_REVIEW_CELL
            problem = CELL(who=person.display_name, what=competency.code, problem=after)
        if problem:
            fields.errors[f"results[{position}]"] = problem
            continue
        evaluations.append(
            Evaluation(
                beneficiary=person,
                competency=competency,
                pathway=atelier.pathway,
                atelier=atelier,
                moment=moment,
                method=method,
                result=cell["result"],
                evaluator=evaluator,
                note=cell.get("note", "").strip(),
                evaluated_at=_noon(atelier.held_on),
                created_at=now,
            )
        )
    return evaluations


def record_grid(
    session: Session, issuing: Issuing, *, atelier: Atelier, evaluator: User, data: dict[str, Any]
) -> tuple[list[Evaluation], Outcome]:
    """A whole atelier's evaluations (beneficiaries x competences) and, when sent, its attendance
    (`"attendance"` as in pathways.record_attendance), checked as a whole: one bad cell rejects the grid
    with a message naming it, and nothing is saved. The outcome says why each badge the atelier can
    lead to was not issued to the people evaluated."""
    fields = Fields(data)
    evaluations = _grid_evaluations(session, atelier, evaluator, data, fields, issuing.now)
    fields.check()
    attended = []
    if data.get("attendance") is not None:
        attended = pathways.record_attendance(
            session, atelier=atelier, data={"attendance": data["attendance"]}
        )
    flags = _store(session, evaluations, now=issuing.now)
    people = {e.beneficiary_id: e.beneficiary for e in evaluations}
    outcome = awarding.settle(
        session, issuing, [*people.values(), *(p for p in attended if p.id not in people)]
    )
    outcome.flags += flags
    classes = awarding.classes_of_atelier(session, atelier)
    outcome.not_issued = awarding.explain(session, outcome, classes, people.values())
    return evaluations, outcome


def _criteria(session: Session, pathway: Pathway, beneficiary: Beneficiary) -> list[PersonalCriterion]:
    if not pathways.is_enrolled(session, pathway, beneficiary):
        raise NotFound(NOT_ENROLLED)
    return list(
        session.scalars(
            select(PersonalCriterion)
            .where(
                PersonalCriterion.pathway_id == pathway.id, PersonalCriterion.beneficiary_id == beneficiary.id
            )
            .order_by(PersonalCriterion.position)
        )
    )


def set_criteria(
    session: Session, *, pathway: Pathway, beneficiary: Beneficiary, data: dict[str, Any], now: datetime
) -> list[PersonalCriterion]:
    """At the start: 3 or 4 objectives in the beneficiary's words, each with a self-rating."""
    existing = _criteria(session, pathway, beneficiary)
    if any(c.rating_during or c.rating_end for c in existing):
        raise Conflict(CRITERIA_RATED)
    items = data.get("criteria")
    count = CRITERIA_COUNT
    if not isinstance(items, list):
        raise InvalidInput({"criteria": count})
    # Every error at once: the count, and what is wrong in each of the (first four) objectives.
    errors: dict[str, Message] = {} if 3 <= len(items) <= 4 else {"criteria": count}
    created = []
    for position, item in enumerate(items[:4]):
        fields = Fields(item if isinstance(item, dict) else {})
        text = fields.text("text", max_len=300)
        rating = fields.choice("rating", LEVELS)
        errors.update({f"criteria[{position}].{name}": message for name, message in fields.errors.items()})
        created.append(
            PersonalCriterion(
                pathway_id=pathway.id,
                beneficiary_id=beneficiary.id,
                position=position + 1,
                text=text,
                rating_start=rating,
                updated_at=now,
            )
        )
    if errors:
        raise InvalidInput(errors)
    for old in existing:
        session.delete(old)
    session.flush()
    session.add_all(created)
    return created


def rate_criteria(
    session: Session, *, pathway: Pathway, beneficiary: Beneficiary, data: dict[str, Any], now: datetime
) -> list[PersonalCriterion]:
    """Rate the objectives again, during (pendant) or at the end (apres): one rating per objective."""
    criteria = _criteria(session, pathway, beneficiary)
    if not criteria:
        raise NotFound(NO_CRITERIA)
    fields = Fields(data)
    moment = fields.choice("moment", ("pendant", "apres"))
    ratings = data.get("ratings")
    if (
        not isinstance(ratings, list)
        or len(ratings) != len(criteria)
        or not all(r in LEVELS for r in ratings)
    ):
        fields.errors["ratings"] = RATINGS(count=len(criteria))
    fields.check()
    for criterion, rating in zip(criteria, ratings or [], strict=True):
        setattr(criterion, "rating_during" if moment == "pendant" else "rating_end", rating)
        criterion.updated_at = now
    return criteria


def criteria_of(session: Session, *, pathway: Pathway, beneficiary: Beneficiary) -> list[PersonalCriterion]:
    return _criteria(session, pathway, beneficiary)


def record_attendance_and_award(
    session: Session, issuing: Issuing, *, atelier: Atelier, data: dict[str, Any]
) -> tuple[list[Beneficiary], Outcome]:
    """Attendance may complete a minimum-attendance rule: the badges now due are issued at once."""
    people = pathways.record_attendance(session, atelier=atelier, data=data)
    session.flush()
    return people, awarding.settle(session, issuing, people)
