"""The award date of an automatic badge (issue 14): the day of the evaluation that completed its rule.

A programme recorded after the fact (ateliers and grids entered weeks later, or imported) keeps its dates:
the badge counts in the period the evaluations happened, not the day someone typed them. The award date
is the latest of the facts the rules read: the latest staff evaluation of each competence the class reads
(the one that set the level the rules see), and the latest atelier attended when the class has an
attendance rule. The signature date (OB 3.0 `validFrom` and `proof.created`) stays the signing date.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Atelier, Attendance, BadgeClass, Beneficiary, Evaluation
from badges.services.programme import rules

ATTENDANCE_RULES = ("min_attendance",)
SELF_ASSESSMENT = "auto_evaluation"  # awarding.SELF_ASSESSMENT (awarding imports this module)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def award_date(session: Session, person: Beneficiary, badge: BadgeClass, now: datetime) -> datetime:
    """When the rule of `badge` became true for `person`; never after `now`, `now` when nothing dates it."""
    found: list[datetime] = []
    wanted = rules.required_competencies(badge)
    if wanted:
        latest: dict[int, datetime] = {}
        for competency_id, at in session.execute(
            select(Evaluation.competency_id, Evaluation.evaluated_at)
            .where(
                Evaluation.beneficiary_id == person.id,
                Evaluation.competency_id.in_(sorted(wanted)),
                Evaluation.method != SELF_ASSESSMENT,
            )
            .order_by(Evaluation.evaluated_at, Evaluation.id)
        ):
            latest[competency_id] = _utc(at)
        found += latest.values()
    if any(params.get("type") in ATTENDANCE_RULES for params in badge.rule or []):
        day = session.scalar(
            select(func.max(Atelier.held_on))
            .join(Attendance, Attendance.atelier_id == Atelier.id)
            .where(Attendance.beneficiary_id == person.id, Attendance.present.is_(True))
        )
        if day is not None:
            found.append(datetime.combine(day, time(12, 0), tzinfo=UTC))
    return min(max(found), now) if found else now
