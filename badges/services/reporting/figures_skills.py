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


def _class_targets(badge: BadgeClass) -> dict[int, int]:
    """Competency id -> the rank the class aims at: its rules' level for the competences they name (the
    lowest, when two rules name one), else the class's own level."""
    own = {c.id: rank(badge.level) for c in badge.competencies}
    ruled: dict[int, int] = {}
    for rule in badge.rule or []:
        if rule.get("type") != "competences_acquired":
            continue
        level = rank(rule.get("level") or badge.level)
        for competency_id in rule.get("competencies") or list(own):
            ruled[competency_id] = min(ruled.get(competency_id, level), level)
    return {cid: level for cid, level in {**own, **ruled}.items() if level}


def aimed_levels(session: Session) -> dict[int, dict[int, int]]:
    """Pathway id -> competency id -> the rank its badge classes aim at (the lowest)."""
    classes = {badge.id: _class_targets(badge) for badge in session.scalars(select(BadgeClass))}
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for pathway_id, class_id in session.connection().execute(select(pathway_badge_class)):
        for competency_id, level in classes.get(class_id, {}).items():
            known = found[pathway_id].get(competency_id)
            found[pathway_id][competency_id] = level if known is None else min(known, level)
    return found


def _baselines(session: Session, people: set[int]) -> dict[tuple[int, int], int]:
    """(beneficiary id, competency id) -> their highest *avant* positioning by staff, as a rank."""
    found: dict[tuple[int, int], int] = {}
    ids = sorted(people)
    for start in range(0, len(ids), 1000):  # bounded IN lists
        rows = session.connection().execute(
            select(
                Evaluation.beneficiary_id, Evaluation.competency_id, func.max(_rank_sql(Evaluation.result))
            )
            .where(
                Evaluation.beneficiary_id.in_(ids[start : start + 1000]),
                Evaluation.moment == AVANT,
                Evaluation.method != SELF_ASSESSMENT,
            )
            .group_by(Evaluation.beneficiary_id, Evaluation.competency_id)
        )
        found.update({(person, competency): int(level or 0) for person, competency, level in rows})
    return found


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
    baselines = _baselines(session, {row[2] for row in rows})
    for competency_id, issuer_id, person_id, profile, pathway_id, result in rows:
        reached = rank(result)
        aim = aims.get(pathway_id, {}).get(competency_id) or own_levels.get(competency_id, 0)
        baseline = baselines.get((person_id, competency_id))
        if not acquired(reached, aim, baseline):
            continue
        bucket = place(issuer_id, pathway_id, profile)
        if bucket is not None:
            bucket[metrics[competency_id]][(person_id, competency_id)] = 1
