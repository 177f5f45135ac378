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
* badges_issued / badges_revoked: credentials issued / revoked in the period;
* skills acquired: distinct (beneficiary, competence) pairs with a staff evaluation in the period at or
  above the competence's level (N1 when it has none).
A total counts each thing once: a beneficiary enrolled in two pathways is one beneficiary. A breakdown row
counts everything that belongs to it, so rows may add up to more than the total: a beneficiary counts in
every pathway type, category and tiers-lieu of the pathways they are enrolled in; an atelier belongs to its
pathway's type and category, and to the profile of each person present; a badge belongs to the pathways
(of the period) its holder is enrolled in. Only aggregates leave this module: no names, no ids of people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, TypedDict

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Attendance,
    Beneficiary,
    Competency,
    Credential,
    Enrolment,
    Evaluation,
    Framework,
    Issuer,
    Pathway,
)
from badges.services.programme import rules
from badges.services.programme.awarding import SELF_ASSESSMENT
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


@dataclass(frozen=True)
class Fact:
    """One countable thing with its dimensions; `key` identifies it for distinct counts."""

    metric: str
    key: Any
    dims: tuple[str, str, str, str, str]  # in the order of DIMENSIONS
    weight: int = 1  # minutes, for the HOURS metrics


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


def _dims(issuer: Issuer, kind: Kind, profile: str | None) -> tuple[str, str, str, str, str]:
    pathway_type, category = kind
    department = issuer.department
    return (issuer.slug, department or UNSET, pathway_type or UNSET, category or UNSET, profile or UNSET)


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


def _enrolment_facts(session: Session, period: Period, filters: Filters) -> Iterable[Fact]:
    query = _scoped(
        select(Pathway, Issuer, Beneficiary)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Enrolment, Enrolment.pathway_id == Pathway.id)
        .outerjoin(Beneficiary, Beneficiary.id == Enrolment.beneficiary_id)
        .where(_pathways_in(period)),
        filters,
    )
    for pathway, issuer, person in session.execute(query):
        dims = _dims(issuer, (pathway.type, pathway.category), person.profile if person else None)
        yield Fact("pathways", pathway.id, dims)
        yield Fact("tiers_lieux", issuer.id, dims)
        if person is not None:
            yield Fact("beneficiaries", person.id, dims)


def _atelier_facts(session: Session, period: Period, filters: Filters) -> Iterable[Fact]:
    query = _scoped(
        select(Atelier, Pathway, Issuer, Attendance, Beneficiary)
        .join(Pathway, Pathway.id == Atelier.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Attendance, and_(Attendance.atelier_id == Atelier.id, Attendance.present.is_(True)))
        .outerjoin(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .where(Atelier.held_on >= period.start, Atelier.held_on <= period.end),
        filters,
    )
    for atelier, pathway, issuer, attendance, person in session.execute(query):
        dims = _dims(issuer, (pathway.type, pathway.category), person.profile if person else None)
        yield Fact("ateliers", atelier.id, dims)
        yield Fact("atelier_hours", atelier.id, dims, atelier.duration_minutes)
        # An atelier held in the period is activity even if its pathway's dates were edited since.
        yield Fact("tiers_lieux", issuer.id, dims)
        if attendance is not None:
            yield Fact("participant_hours", (atelier.id, person.id), dims, atelier.duration_minutes)


def _pathway_kinds(session: Session, period: Period) -> dict[int, set[Kind]]:
    """Beneficiary id -> (type, category) of the period's pathways they are enrolled in."""
    found: dict[int, set[Kind]] = defaultdict(set)
    rows = session.execute(
        select(Enrolment.beneficiary_id, Pathway.type, Pathway.category)
        .join(Pathway)
        .where(_pathways_in(period))
    )
    for beneficiary_id, pathway_type, category in rows:
        found[beneficiary_id].add((pathway_type, category))
    return found


def _credential_facts(session: Session, period: Period, filters: Filters) -> Iterable[Fact]:
    start, end = period.bounds()
    kinds = _pathway_kinds(session, period)
    query = _scoped(
        select(Credential, Issuer, Beneficiary)
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .outerjoin(Beneficiary, Beneficiary.id == Credential.beneficiary_id)
        .where(
            or_(
                and_(Credential.issued_at >= start, Credential.issued_at < end),
                and_(Credential.revoked_at >= start, Credential.revoked_at < end),
            )
        ),
        filters,
    )
    for credential, issuer, person in session.execute(query):
        profile = person.profile if person else None
        held: list[Kind] = sorted(kinds.get(person.id, set())) if person else []
        for kind in held or [(None, None)]:
            dims = _dims(issuer, kind, profile)
            if start <= credential.issued_at < end:
                yield Fact("badges_issued", credential.id, dims)
            if credential.revoked_at is not None and start <= credential.revoked_at < end:
                yield Fact("badges_revoked", credential.id, dims)


def _skill_facts(session: Session, period: Period, filters: Filters) -> Iterable[Fact]:
    start, end = period.bounds()
    query = _scoped(
        select(Evaluation, Competency, Framework, Issuer, Beneficiary, Pathway)
        .join(Competency, Competency.id == Evaluation.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .join(Beneficiary, Beneficiary.id == Evaluation.beneficiary_id)
        .join(Issuer, Issuer.id == Beneficiary.issuer_id)
        .outerjoin(Pathway, Pathway.id == Evaluation.pathway_id)
        .where(
            Evaluation.method != SELF_ASSESSMENT,
            Evaluation.evaluated_at >= start,
            Evaluation.evaluated_at < end,
        ),
        filters,
    )
    for evaluation, competency, framework, issuer, person, pathway in session.execute(query):
        if rules.rank(evaluation.result) >= rules.rank(competency.level or "N1"):
            kind = (pathway.type, pathway.category) if pathway else (None, None)
            dims = _dims(issuer, kind, person.profile)
            yield Fact(f"skill:{framework.slug}:{competency.code}", (person.id, competency.id), dims)


def _kept(fact: Fact, filters: Filters) -> bool:
    wanted = (filters.pathway_type, filters.category, filters.profile)
    return all(value is None or value == dim for value, dim in zip(wanted, fact.dims[2:], strict=True))


def _count(facts: list[Fact]) -> Counts:
    seen: dict[str, dict[Any, int]] = defaultdict(dict)
    for fact in facts:
        seen[fact.metric][fact.key] = fact.weight

    def total(metric: Metric) -> float:
        # Minutes are summed as integers, then given in hours: 21,300 minutes are exactly 355 h.
        found = seen.get(metric, {})
        return round(sum(found.values()) / 60, 2) if metric in HOURS else len(found)

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
            metric.removeprefix("skill:"): len(keys)
            for metric, keys in sorted(seen.items())
            if metric.startswith("skill:")
        },
    }


def key_figures(session: Session, *, period: Period, filters: Filters) -> KeyFigures:
    """Totals for the period, and the same figures broken down by each dimension."""
    facts = [
        fact
        for source in (_enrolment_facts, _atelier_facts, _credential_facts, _skill_facts)
        for fact in source(session, period, filters)
        if _kept(fact, filters)
    ]
    breakdown: dict[str, list[GroupCounts]] = {}
    for position, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[fact.dims[position]].append(fact)
        breakdown[dimension] = [{"key": key, **_count(group)} for key, group in sorted(groups.items())]
    totals = _count(facts)
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
