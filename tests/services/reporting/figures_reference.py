"""The reference for issue 17: the key figures as the previous code counted them, every fact in Python.

A verbatim copy of badges/services/reporting/figures.py before the database counted per group (d77a112);
test_figures_counts.py checks the service gives the same figures. Not used by the service.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, TypedDict

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Attendance,
    Beneficiary,
    Competency,
    Credential,
    Enrolment,
    Framework,
    Issuer,
    Pathway,
)
from badges.services.reporting import figures_skills
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import NOT_A_DATE

END_BEFORE_START = message("figures.end_before_start", N_("La fin de la période précède son début."))

DIMENSIONS = ("tiers_lieu", "department", "pathway_type", "category", "profile")
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
# Summed too: a weight per distinct key, the number of badges of one holder at one tiers-lieu (the database
# counts them, issue 17), so that a holder's badges counted in two places of a group count once.
SUMMED: tuple[Metric, ...] = (*HOURS, "badges_issued", "badges_revoked")
UNSET = "non_renseigne"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        return datetime.combine(self.start, time(0), tzinfo=UTC), datetime.combine(
            self.end + timedelta(days=1), time(0), tzinfo=UTC
        )


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


@dataclass(frozen=True)
class Filters:
    issuer_ids: list[int] | None = None  # None: every tiers-lieu (coordinators)
    department: str | None = None
    pathway_type: str | None = None
    category: str | None = None
    profile: str | None = None


Dims = tuple[str, str, str, str, str]  # in the order of DIMENSIONS


Bucket = dict[str, dict[Any, int]]  # metric -> key -> weight, in one place


class Tally:
    """The distinct facts kept by the filters, by place (dims): metric -> key -> weight.

    `key` identifies a countable thing for distinct counts; the weight is minutes for the HOURS metrics,
    a number of badges for the others of SUMMED.
    A fact seen twice (an atelier once per person present with the same profile) is stored once. Grouping
    by place first lets a breakdown merge a few thousand buckets instead of re-hashing every fact. Rows
    carry integer ids: the tiers-lieux' and pathways' names are read once (issue 17, a year of a large
    network is ~10^5 rows).
    """

    def __init__(self, session: Session, filters: Filters) -> None:
        self.buckets: dict[Dims, Bucket | None] = {}
        self.places: dict[tuple[int, str | None, str | None, str | None], Bucket | None] = {}
        self.wanted = (filters.pathway_type, filters.category, filters.profile)
        issuers = _scoped(select(Issuer.id, Issuer.slug, Issuer.department), filters)
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


def period_of(start: Any, end: Any) -> Period:
    errors: dict[str, Message] = {}
    parsed = {}
    for name, value in (("from", start), ("to", end)):
        try:
            parsed[name] = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed[name] = None
        if parsed[name] is None:
            errors[name] = NOT_A_DATE
    if not errors and parsed["to"] < parsed["from"]:  # type: ignore[operator]
        errors["to"] = END_BEFORE_START
    if errors:
        raise InvalidInput(errors)
    return Period(parsed["from"], parsed["to"])  # type: ignore[arg-type]


Kind = tuple[str | None, str | None]  # a pathway's type and category


def _scoped(query: Any, filters: Filters) -> Any:
    """The query narrowed to the tiers-lieux in scope (the query joins Issuer)."""
    if filters.issuer_ids is not None:
        query = query.where(Issuer.id.in_(filters.issuer_ids))
    if filters.department is not None:
        query = query.where(Issuer.department == filters.department)
    return query


def _pathways_in(period: Period) -> Any:
    return and_(
        Pathway.start_date <= period.end, or_(Pathway.end_date.is_(None), Pathway.end_date >= period.start)
    )


# The sources read integer ids and profiles, never whole rows (issue 17).


def _enrolment_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    query = _scoped(
        select(Pathway.id, Pathway.issuer_id, Beneficiary.id, Beneficiary.profile)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Enrolment, Enrolment.pathway_id == Pathway.id)
        .outerjoin(Beneficiary, Beneficiary.id == Enrolment.beneficiary_id)
        .where(_pathways_in(period)),
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
    query = _scoped(
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


def _pathway_kinds(session: Session, period: Period) -> dict[int, list[Kind]]:
    """Beneficiary id -> (type, category) of the period's pathways they are enrolled in, sorted."""
    found: dict[int, set[Kind]] = defaultdict(set)
    rows = (
        session.connection()
        .execute(
            select(Enrolment.beneficiary_id, Pathway.type, Pathway.category)
            .join(Pathway)
            .where(_pathways_in(period))
        )
        .all()
    )
    for beneficiary_id, pathway_type, category in rows:
        found[beneficiary_id].add((pathway_type, category))
    return {beneficiary_id: sorted(kinds) for beneficiary_id, kinds in found.items()}


def _within(column: Any, start: datetime, end: datetime) -> Any:
    """1 when the instant is in [start, end), else 0, computed by the database (no datetime per row)."""
    return case((and_(column >= start, column < end), 1), else_=0)


def _credential_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    """Badges issued and revoked in the period, counted by the database per holder and tiers-lieu (one row
    per holder instead of one per badge, issue 17): a holder's badges all go to the same places."""
    start, end = period.bounds()
    # Issued in the period: awarded in it (issue 14; the signing date may be later), rows older than
    # migration 0009 read their signing date.
    awarded = func.coalesce(Credential.awarded_at, Credential.issued_at)
    kinds = _pathway_kinds(session, period)
    holder = (Credential.issuer_id, Beneficiary.id, Beneficiary.profile)
    query = _scoped(
        select(*holder)
        .add_columns(
            func.sum(_within(awarded, start, end)), func.sum(_within(Credential.revoked_at, start, end))
        )
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .outerjoin(Beneficiary, Beneficiary.id == Credential.beneficiary_id)
        .where(
            or_(
                and_(Credential.awarded_at >= start, Credential.awarded_at < end),
                and_(
                    Credential.awarded_at.is_(None), Credential.issued_at >= start, Credential.issued_at < end
                ),
                and_(Credential.revoked_at >= start, Credential.revoked_at < end),
            )
        )
        .group_by(*holder),
        filters,
    )
    unknown: list[Kind] = [(None, None)]
    rows = session.connection().execute(query).all()
    for issuer_id, person_id, profile, issued, revoked in rows:
        for kind in kinds.get(person_id, unknown) if person_id is not None else unknown:
            bucket = tally.bucket(issuer_id, kind, profile)
            if bucket is None:
                continue
            if issued:
                bucket["badges_issued"][(issuer_id, person_id)] = int(issued)
            if revoked:
                bucket["badges_revoked"][(issuer_id, person_id)] = int(revoked)


def _skill_facts(session: Session, period: Period, filters: Filters, tally: Tally) -> None:
    figures_skills.skill_facts(
        session,
        period.bounds(),
        lambda query: _scoped(query, filters),
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


def _merged(buckets: list[Bucket]) -> Counts:
    """The figures of a group of places: a thing found in two places of the group counts once."""
    by_metric: dict[str, list[dict[Any, int]]] = defaultdict(list)
    for bucket in buckets:
        for metric, keys in bucket.items():
            by_metric[metric].append(keys)
    seen: dict[str, float] = {}
    for metric, found in by_metric.items():
        if len(found) == 1:  # one place: its keys are already distinct (no copy of 10^4 keys)
            seen[metric] = sum(found[0].values()) if metric in SUMMED else len(found[0])
        elif metric in SUMMED:
            merged: dict[Any, int] = {}
            for keys in found:
                merged.update(keys)
            seen[metric] = sum(merged.values())
        else:
            seen[metric] = len(set().union(*found))
    return _figures_of(seen)


def key_figures(session: Session, *, period: Period, filters: Filters) -> KeyFigures:
    """Totals for the period, and the same figures broken down by each dimension."""
    tally = Tally(session, filters)
    for source in (_enrolment_facts, _atelier_facts, _credential_facts, _skill_facts):
        source(session, period, filters, tally)
    places = {dims: bucket for dims, bucket in tally.buckets.items() if bucket}
    breakdown: dict[str, list[GroupCounts]] = {}
    for position, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Bucket]] = defaultdict(list)
        for dims, bucket in places.items():
            groups[dims[position]].append(bucket)
        breakdown[dimension] = [{"key": key, **_merged(groups[key])} for key in sorted(groups)]
    totals = _merged(list(places.values()))
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
