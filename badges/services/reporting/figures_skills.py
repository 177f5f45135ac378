""" "Compétences acquises" that mean what they say (issue 14): a competence is acquired, not just evaluated.

A (beneficiary, competence) pair counts as acquired in the period when an evaluation by staff (never a
self-assessment), held in the period and made during or after the pathway (moment *pendant* or *après*,
never the *avant* positioning):
* reaches the level aimed at, when the person's *avant* positioning was below it: the level the pathway's
  badge classes aim at for that competence (a "competences_acquired" rule's level, else the class's level;
  the lowest when several classes aim at it), else the competence's own level when it is above N1; or
* rises above the person's *avant* positioning on that competence (their highest one by staff).
Being evaluated is not an acquisition, nor is a first positioning at N1: N1 ("je découvre", with someone
next to me) is where the scale starts, so a framework level of N1 alone is no aim; a result with no aim
and no *avant* positioning to compare with tells nothing about progress and is not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Beneficiary, Competency, Evaluation, Framework, Issuer
from badges.models.badge import badge_class_competency
from badges.models.pathway import pathway_badge_class
from badges.services.programme.awarding import SELF_ASSESSMENT
from badges.services.shared.validation import LEVELS

# Where a fact goes: (tiers-lieu id, pathway id, profile) -> the place's metric -> key -> 1, or None when the
# filters leave that place out (figures.Tally.bucket, through figures._skill_facts).
Place = Callable[[int, int | None, str | None], dict[str, dict[Any, int]] | None]

AVANT = "avant"


def rank(level: str | None) -> int:
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def _rank_sql(level: Any) -> Any:
    return case({name: position for position, name in enumerate(LEVELS, start=1)}, value=level, else_=0)


def _class_targets(level: str | None, rules: Any, own_ids: list[int]) -> dict[int, int]:
    """Competency id -> the rank a class aims at: its rules' level for the competences they name (the
    lowest, when two rules name one), else the class's own level (`own_ids`: the class's competences)."""
    own = {cid: rank(level) for cid in own_ids}
    ruled: dict[int, int] = {}
    for rule in rules or []:
        if rule.get("type") != "competences_acquired":
            continue
        aim = rank(rule.get("level") or level)
        for competency_id in rule.get("competencies") or list(own):
            ruled[competency_id] = min(ruled.get(competency_id, aim), aim)
    return {cid: aim for cid, aim in {**own, **ruled}.items() if aim}


def aimed_levels(session: Session) -> dict[int, dict[int, int]]:
    """Pathway id -> competency id -> the rank its badge classes aim at (the lowest).

    Two statements on the tables, the classes' levels and rules then their competences (issue 17: loading
    every class as an ORM object, then its competences one class at a time, made a query per class)."""
    connection = session.connection()
    own: dict[int, list[int]] = defaultdict(list)
    for class_id, competency_id in connection.execute(select(badge_class_competency)):
        own[class_id].append(competency_id)
    rows = connection.execute(select(BadgeClass.id, BadgeClass.level, BadgeClass.rule))
    classes = {class_id: _class_targets(level, rules, own[class_id]) for class_id, level, rules in rows}
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for pathway_id, class_id in connection.execute(select(pathway_badge_class)):
        for competency_id, level in classes.get(class_id, {}).items():
            known = found[pathway_id].get(competency_id)
            found[pathway_id][competency_id] = level if known is None else min(known, level)
    return found


def _baselines(session: Session, people: Any) -> dict[tuple[int, int], int]:
    """(beneficiary id, competency id) -> their highest *avant* positioning by staff, as a rank, for the
    beneficiaries `people` (a subquery of ids): one statement, the database joins (issue 17)."""
    rows = session.connection().execute(
        select(Evaluation.beneficiary_id, Evaluation.competency_id, func.max(_rank_sql(Evaluation.result)))
        .where(
            Evaluation.beneficiary_id.in_(people),
            Evaluation.moment == AVANT,
            Evaluation.method != SELF_ASSESSMENT,
        )
        .group_by(Evaluation.beneficiary_id, Evaluation.competency_id)
    )
    return {(person, competency): int(level or 0) for person, competency, level in rows}


def acquired(reached: int, aim: int, baseline: int | None) -> bool:
    """A result (a rank) is an acquisition: it reaches the aim from below it, or rises above the *avant*."""
    if baseline is not None and reached > baseline:
        return True
    return bool(aim) and reached >= aim and (baseline is None or baseline < aim)


def skill_facts(
    session: Session, bounds: tuple[datetime, datetime], scoped: Callable[[Any], Any], place: Place
) -> None:
    """The acquired (beneficiary, competence) pairs in [start, end), into the places' `skill:` metrics;
    `scoped` narrows a query joining Issuer to the filters' tiers-lieux."""
    start, end = bounds
    competences = session.connection().execute(
        select(Competency.id, Framework.slug, Competency.code, Competency.level).join(Framework)
    )
    metrics, own_levels = {}, {}
    for competency_id, slug, code, level in competences:
        metrics[competency_id] = f"skill:{slug}:{code}"
        own_levels[competency_id] = rank(level) if rank(level) > 1 else 0
    query = scoped(
        select(Evaluation.competency_id, Beneficiary.issuer_id, Beneficiary.id, Beneficiary.profile)
        .add_columns(Evaluation.pathway_id, Evaluation.result)
        .distinct()
        .join(Beneficiary, Beneficiary.id == Evaluation.beneficiary_id)
        .join(Issuer, Issuer.id == Beneficiary.issuer_id)
        .where(
            Evaluation.method != SELF_ASSESSMENT,
            Evaluation.moment != AVANT,
            Evaluation.evaluated_at >= start,
            Evaluation.evaluated_at < end,
        )
    )
    rows = session.connection().execute(query).all()
    aims = aimed_levels(session)
    # The people of those rows, as the database finds them again (no list of ids sent back and forth).
    people = query.with_only_columns(Beneficiary.id).distinct().scalar_subquery()
    baselines = _baselines(session, people)
    for competency_id, issuer_id, person_id, profile, pathway_id, result in rows:
        reached = rank(result)
        aim = aims.get(pathway_id, {}).get(competency_id) or own_levels.get(competency_id, 0)
        baseline = baselines.get((person_id, competency_id))
        if not acquired(reached, aim, baseline):
            continue
        bucket = place(issuer_id, pathway_id, profile)
        if bucket is not None:
            bucket[metrics[competency_id]][(person_id, competency_id)] = 1
