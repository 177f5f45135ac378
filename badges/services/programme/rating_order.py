"""Ratings are recorded in order (issue 14): once the *après* review of a competence is recorded for a
person in a pathway, a *pendant* rating of that competence in that pathway is refused.

The *après* rating closes the person's evaluation of that competence; a *pendant* one recorded after it
would make the review say less than the sessions. A programme entered after the fact records its ateliers
in date order (the programme import sorts them), so this never refuses a real history.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Evaluation
from badges.services.shared.messages import N_, message

PENDANT = "pendant"
APRES = "apres"
AFTER_REVIEW = message(
    "evaluation.after_review",
    N_(
        "Le bilan « après » de cette compétence est déjà noté pour cette personne : "
        "une note « pendant » ne peut plus être ajoutée."
    ),
)
AFTER_REVIEW_CELL = message(
    "grid.after_review", N_("le bilan « après » est déjà noté : plus de note « pendant »")
)


def reviewed(session: Session, pathway_id: int | None, people: set[int]) -> set[tuple[int, int]]:
    """(beneficiary id, competency id) pairs with an *après* rating in this pathway (None: no pathway)."""
    if not people:
        return set()
    owner = Evaluation.pathway_id.is_(None) if pathway_id is None else Evaluation.pathway_id == pathway_id
    rows = session.execute(
        select(Evaluation.beneficiary_id, Evaluation.competency_id)
        .where(Evaluation.moment == APRES, owner, Evaluation.beneficiary_id.in_(sorted(people)))
        .distinct()
    )
    return {(person, competency) for person, competency in rows}


def closed_for(
    session: Session, moment: str | None, pathway_id: int | None, people: set[int]
) -> set[tuple[int, int]]:
    """The pairs a rating at `moment` may no longer be recorded for (only *pendant* ones are closed)."""
    return reviewed(session, pathway_id, people) if moment == PENDANT else set()
