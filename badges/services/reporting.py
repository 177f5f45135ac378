"""Key figures for funders: aggregated counts for a period, per tiers-lieu, department, pathway type, profile.

Definitions (all restricted to the tiers-lieux in scope and to the filters):
* pathways: pathways whose dates overlap the period;
* beneficiaries: distinct beneficiaries enrolled in those pathways;
* ateliers: ateliers of those pathways held in the period;
* hours: hours of accompaniment, the sum over attendances (present) of the atelier's duration;
* badges_issued / badges_revoked: credentials issued / revoked in the period;
* skills acquired: distinct (beneficiary, competence) pairs with a staff evaluation in the period at or
  above the competence's level (N1 when it has none).
A fact belongs to a pathway type through the pathway it comes from; a badge, through the pathways (of the
period) its holder is enrolled in, so one badge may count under two types. Totals count each thing once.
Only aggregates leave this module: no names, no ids of beneficiaries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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
from badges.services import rules
from badges.services.awarding import SELF_ASSESSMENT
from badges.services.errors import InvalidInput

DIMENSIONS = ("tiers_lieu", "department", "pathway_type", "profile")
METRICS = ("beneficiaries", "pathways", "ateliers", "hours", "badges_issued", "badges_revoked")
UNSET = "non_renseigne"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def bounds(self) -> tuple[datetime, datetime]:
        return datetime.combine(self.start, time(0), tzinfo=UTC), datetime.combine(
            self.end + timedelta(days=1), time(0), tzinfo=UTC
        )


@dataclass(frozen=True)
class Filters:
    issuer_ids: list[int] | None = None  # None: every tiers-lieu (coordinators)
    department: str | None = None
    pathway_type: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class Fact:
    """One countable thing with its dimensions; `key` identifies it for distinct counts."""

    metric: str
    key: Any
    dims: tuple[str, str, str, str]  # tiers-lieu slug, department, pathway type, profile
    weight: float = 1.0


def period_of(start: Any, end: Any) -> Period:
    errors = {}
    parsed = {}
    for name, value in (("from", start), ("to", end)):
        try:
            parsed[name] = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed[name] = None
        if parsed[name] is None:
            errors[name] = "Date attendue au format AAAA-MM-JJ."
    if not errors and parsed["to"] < parsed["from"]:  # type: ignore[operator]
        errors["to"] = "La fin de la période précède son début."
    if errors:
        raise InvalidInput(errors)
    return Period(parsed["from"], parsed["to"])  # type: ignore[arg-type]


def _dims(issuer: Issuer, pathway_type: str | None, profile: str | None) -> tuple[str, str, str, str]:
    return (issuer.slug, issuer.department or UNSET, pathway_type or UNSET, profile or UNSET)


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
        dims = _dims(issuer, pathway.type, person.profile if person else None)
        yield Fact("pathways", pathway.id, dims)
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
        dims = _dims(issuer, pathway.type, person.profile if person else None)
        yield Fact("ateliers", atelier.id, dims)
        if attendance is not None:
            yield Fact("hours", (atelier.id, person.id), dims, atelier.duration_minutes / 60)


def _pathway_types(session: Session, period: Period) -> dict[int, set[str]]:
    """Beneficiary id -> types of the period's pathways they are enrolled in."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        select(Enrolment.beneficiary_id, Pathway.type).join(Pathway).where(_pathways_in(period))
    )
    for beneficiary_id, pathway_type in rows:
        found[beneficiary_id].add(pathway_type)
    return found


def _credential_facts(session: Session, period: Period, filters: Filters) -> Iterable[Fact]:
    start, end = period.bounds()
    types = _pathway_types(session, period)
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
        kinds: list[str | None] = [*sorted(types.get(person.id, set()) if person else set())] or [None]
        for pathway_type in kinds:
            dims = _dims(issuer, pathway_type, profile)
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
            dims = _dims(issuer, pathway.type if pathway else None, person.profile)
            yield Fact(f"skill:{framework.slug}:{competency.code}", (person.id, competency.id), dims)


def _kept(fact: Fact, filters: Filters) -> bool:
    return (filters.pathway_type is None or fact.dims[2] == filters.pathway_type) and (
        filters.profile is None or fact.dims[3] == filters.profile
    )


def _count(facts: list[Fact]) -> dict[str, Any]:
    seen: dict[str, dict[Any, float]] = defaultdict(dict)
    for fact in facts:
        seen[fact.metric][fact.key] = fact.weight
    figures: dict[str, Any] = {m: len(seen.get(m, {})) for m in METRICS if m != "hours"}
    figures["hours"] = round(sum(seen.get("hours", {}).values()), 2)
    figures["skills_acquired"] = {
        metric.removeprefix("skill:"): len(keys)
        for metric, keys in sorted(seen.items())
        if metric.startswith("skill:")
    }
    return figures


def key_figures(session: Session, *, period: Period, filters: Filters) -> dict[str, Any]:
    """Totals for the period, and the same figures broken down by each dimension."""
    facts = [
        fact
        for source in (_enrolment_facts, _atelier_facts, _credential_facts, _skill_facts)
        for fact in source(session, period, filters)
        if _kept(fact, filters)
    ]
    breakdown: dict[str, list[dict[str, Any]]] = {}
    for position, dimension in enumerate(DIMENSIONS):
        groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[fact.dims[position]].append(fact)
        breakdown[dimension] = [{"key": key, **_count(group)} for key, group in sorted(groups.items())]
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": _count(facts),
        "by": breakdown,
    }
