"""Key figures for a period, in the programme's vocabulary: totals, and per tiers-lieu, department, pathway
type, pathway category and profile.

Definitions (all restricted to the tiers-lieux in scope and to the filters), after the programme's own
"chiffres clés" (docs/domain.md#D-experiment):
* beneficiaries (bénéficiaires accompagnés): distinct beneficiaries enrolled in the period's pathways;
* ateliers (ateliers de médiation): ateliers of those pathways held in the period;
* atelier_hours (heures d'accompagnement): the sum of those ateliers' durations, atelier time, each atelier
  once however many people came (the programme's 355 h);
* participant_hours (heures-participants): the sum over present attendances of the atelier's duration;
* pathways (parcours): pathways whose dates overlap the period;
* tiers_lieux: tiers-lieux with activity in the period, a pathway running or an atelier held (a badge issued
  or revoked alone is not running the programme);
* badges_issued / badges_revoked: credentials awarded / revoked in the period (the award date: the day
  of the evaluation that completed the rule, not the later signing date of a programme entered after the
  fact);
* skills acquired: distinct (beneficiary, competence) pairs acquired in the period, reaching the level
  aimed at or rising above the *avant* positioning (figures_skills.py defines it; being evaluated is not
  acquiring).
A total counts each thing once: a beneficiary enrolled in two pathways is one beneficiary. A breakdown row
counts everything that belongs to it, so rows may add up to more than the total: a beneficiary counts in
every pathway type, category and tiers-lieu of the pathways they are enrolled in; an atelier belongs to its
pathway's type and category, and to the profile of each person present; a badge belongs to the pathways
(of the period) its holder is enrolled in. Only aggregates leave this module: no names, no ids of people.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypedDict

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Attendance,
    Beneficiary,
    Competency,
    Enrolment,
    Framework,
    Issuer,
    Pathway,
)
from badges.services.reporting import figures_counts, figures_skills
from badges.services.reporting.scope import DIMENSIONS, UNSET, Filters, Period, pathways_in, scoped

Metric = Literal[
    "beneficiaries",
    "ateliers",
    "atelier_hours",
    "participant_hours",
    "pathways",
    "tiers_lieux",
    "badges_issued",
    "badges_revoked",
]
METRICS: tuple[Metric, ...] = (
    "beneficiaries",
    "ateliers",
    "atelier_hours",
    "participant_hours",
    "pathways",
    "tiers_lieux",
    "badges_issued",
    "badges_revoked",
)
# Summed (a weight in minutes per distinct key, given in hours); the other metrics count distinct keys.
HOURS: tuple[Metric, ...] = ("atelier_hours", "participant_hours")


class Counts(TypedDict):
    """A total's or a breakdown row's figures: counts (int), hours (float), skills by competence."""

    beneficiaries: float
    ateliers: float
    atelier_hours: float
    participant_hours: float
    pathways: float
    tiers_lieux: float
    badges_issued: float
    badges_revoked: float
    skills_acquired: dict[str, int]


class GroupCounts(Counts):
    key: str


# "from" is a keyword: the functional form names it.
PeriodRange = TypedDict("PeriodRange", {"from": str, "to": str})


class KeyFigures(TypedDict):
    period: PeriodRange
    totals: Counts
    by: dict[str, list[GroupCounts]]
    competences: dict[str, str]  # each acquired competence's reference -> "Pix 2.1 Interagir"


Dims = tuple[str, str, str, str, str]  # in the order of DIMENSIONS


Bucket = dict[str, dict[Any, int]]  # metric -> key -> weight, in one place


class Tally:
    """The distinct facts kept by the filters, by place (dims): metric -> key -> weight.

    `key` identifies a countable thing for distinct counts; the weight is minutes for the HOURS metrics
    (the badges are counted by the database, figures_counts.py).
    A fact seen twice (an atelier once per person present with the same profile) is stored once. Grouping
    by place first lets a breakdown merge a few thousand buckets instead of re-hashing every fact. Rows
    carry integer ids: the tiers-lieux' and pathways' names are read once (issue 17, a year of a large
    network is ~10^5 rows).
    """

    def __init__(self, session: Session, filters: Filters) -> None:
        self.buckets: dict[Dims, Bucket | None] = {}
        self.places: dict[tuple[int, str | None, str | None, str | None], Bucket | None] = {}
        self.wanted = (filters.pathway_type, filters.category, filters.profile)
        issuers = scoped(select(Issuer.id, Issuer.slug, Issuer.department), filters)
        self.issuers = {row[0]: (row[1], row[2] or UNSET) for row in session.connection().execute(issuers)}
        # Every pathway: an evaluation names its pathway, whichever tiers-lieu runs it.
        pathways = select(Pathway.id, Pathway.type, Pathway.category)
        self.kinds: dict[int | None, Kind] = {
            row[0]: (row[1], row[2]) for row in session.connection().execute(pathways)
        }
        self.kinds[None] = (None, None)

    def bucket(self, issuer_id: int, kind: Kind, profile: str | None) -> Bucket | None:
        """The facts of one place, or None when the filters leave that place out."""
        place = (issuer_id, kind[0], kind[1], profile)
        if place not in self.places:
            slug, department = self.issuers[issuer_id]
            dims = (slug, department, kind[0] or UNSET, kind[1] or UNSET, profile or UNSET)
            if dims not in self.buckets:
                kept = all(
                    value is None or value == dim for value, dim in zip(self.wanted, dims[2:], strict=True)
                )
                self.buckets[dims] = defaultdict(dict) if kept else None
            self.places[place] = self.buckets[dims]
        return self.places[place]


Kind = tuple[str | None, str | None]  # a pathway's type and category


# The sources read integer ids and profiles, never whole rows (issue 17).


def _enrolment_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    query = scoped(
        select(Pathway.id, Pathway.issuer_id, Beneficiary.id, Beneficiary.profile)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Enrolment, Enrolment.pathway_id == Pathway.id)
        .outerjoin(Beneficiary, Beneficiary.id == Enrolment.beneficiary_id)
        .where(pathways_in(period)),
        filters,
    )
    rows = session.connection().execute(query).all()
    for pathway_id, issuer_id, person_id, profile in rows:
        bucket = tally.bucket(issuer_id, tally.kinds[pathway_id], profile)
        if bucket is None:
            continue
        bucket["pathways"][pathway_id] = 1
        bucket["tiers_lieux"][issuer_id] = 1
        if person_id is not None:
            bucket["beneficiaries"][person_id] = 1


def _atelier_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    """Ateliers, with their people present counted by profile: each (atelier, person) pair has one profile,
    so the participant hours of (atelier, profile) are its duration times the people present."""
    columns = (Atelier.id, Atelier.duration_minutes, Pathway.id, Pathway.issuer_id)
    query = scoped(
        select(*columns, Beneficiary.profile, func.count(Attendance.atelier_id))
        .join(Pathway, Pathway.id == Atelier.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Attendance, and_(Attendance.atelier_id == Atelier.id, Attendance.present.is_(True)))
        .outerjoin(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .where(Atelier.held_on >= period.start, Atelier.held_on <= period.end)
        .group_by(*columns, Beneficiary.profile),
        filters,
    )
    rows = session.connection().execute(query).all()
    for atelier_id, minutes, pathway_id, issuer_id, profile, people in rows:
        bucket = tally.bucket(issuer_id, tally.kinds[pathway_id], profile)
        if bucket is None:
            continue
        bucket["ateliers"][atelier_id] = 1
        bucket["atelier_hours"][atelier_id] = minutes
        # An atelier held in the period is activity even if its pathway's dates were edited since.
        bucket["tiers_lieux"][issuer_id] = 1
        if people:
            bucket["participant_hours"][(atelier_id, profile)] = minutes * people


def _skill_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    figures_skills.skill_facts(
        session,
        period.bounds(),
        lambda query: scoped(query, filters),
        lambda issuer_id, pathway_id, profile: tally.bucket(issuer_id, tally.kinds[pathway_id], profile),
    )


def _figures_of(seen: dict[str, float]) -> Counts:
    """A group's figures from its metric -> distinct count (or summed minutes, for the HOURS metrics)."""

    def total(metric: Metric) -> float:
        # Minutes are summed as integers, then given in hours: 21,300 minutes are exactly 355 h.
        found = seen.get(metric, 0)
        return round(found / 60, 2) if metric in HOURS else int(found)

    return {
        "beneficiaries": total("beneficiaries"),
        "ateliers": total("ateliers"),
        "atelier_hours": total("atelier_hours"),
        "participant_hours": total("participant_hours"),
        "pathways": total("pathways"),
        "tiers_lieux": total("tiers_lieux"),
        "badges_issued": total("badges_issued"),
        "badges_revoked": total("badges_revoked"),
        "skills_acquired": {
            metric.removeprefix("skill:"): int(count)
            for metric, count in sorted(seen.items())
            if metric.startswith("skill:")
        },
    }


def _merged(buckets: list[Bucket], counted: dict[str, int]) -> Counts:
    """The figures of a group of places: the metrics the database counted, and the skills of its places (a
    thing found in two places of the group counts once)."""
    by_metric: dict[str, list[dict[Any, int]]] = defaultdict(list)
    for bucket in buckets:
        for metric, keys in bucket.items():
            by_metric[metric].append(keys)
    seen: dict[str, float] = dict(counted)
    for metric, found in by_metric.items():
        if len(found) == 1:  # one place: its keys are already distinct (no copy of 10^4 keys)
            seen[metric] = sum(found[0].values()) if metric in HOURS else len(found[0])
        elif metric in HOURS:
            merged: dict[Any, int] = {}
            for keys in found:
                merged.update(keys)
            seen[metric] = sum(merged.values())
        else:
            seen[metric] = len(set().union(*found))
    return _figures_of(seen)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while the facts are read (issue 17): the ~10^5 rows and
    keys of a large network's year trigger full collections of the whole process's heap (~120 ms of a
    ~300 ms client share at 100k, measured). The facts hold no reference cycles, so nothing is left for
    the collector; it runs again as usual afterwards (unless someone else had paused it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def key_figures(session: Session, *, period: Period, filters: Filters) -> KeyFigures:
    """Totals for the period, and the same figures broken down by each dimension."""
    counted = figures_counts.counted(session, period, filters)
    tally = Tally(session, filters)
    with _collector_paused():
        for source in (_enrolment_facts, _atelier_facts, _skill_facts):
            source(session, period, filters, tally)
    places = {dims: bucket for dims, bucket in tally.buckets.items() if bucket}
    breakdown: dict[str, list[GroupCounts]] = {}
    for position, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Bucket]] = defaultdict(list)
        for dims, bucket in places.items():
            groups[dims[position]].append(bucket)
        keys = set(groups) | {group for found, group in counted if found == dimension}
        breakdown[dimension] = [
            {"key": key, **_merged(groups.get(key, []), counted.get((dimension, key), {}))}
            for key in sorted(keys)
        ]
    totals = _merged(list(places.values()), counted.get((figures_counts.TOTAL, figures_counts.TOTAL), {}))
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": totals,
        "by": breakdown,
        "competences": competence_labels(session, set(totals["skills_acquired"])),
    }


def competence_labels(session: Session, refs: set[str]) -> dict[str, str]:
    """`<framework slug>:<code>` -> how people read it: "Pix 2.1 Interagir" (the newest version's title)."""
    slugs = {ref.split(":", 1)[0] for ref in refs}
    rows = session.execute(
        select(Competency, Framework)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(Framework.slug.in_(slugs))
        .order_by(Framework.version)
    )
    found = {f"{framework.slug}:{competency.code}": competency.label for competency, framework in rows}
    return {ref: found.get(ref, ref) for ref in sorted(refs)}
