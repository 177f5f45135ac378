"""A brute-force oracle for the key figures (figures.py gives the definitions): every row read as an object
and counted by plain Python loops, no SQL filter nor aggregation, so that it cannot share a mistake of the
service's statements or of its merging. What makes a result an acquisition (aims, the *avant* baseline) is
figures_skills' rule, tested on its own in test_figures_skills.py: only `aimed_levels`, `rank` and `acquired`
are reused; which evaluations count and where they go is redone here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from badges.models import Atelier, Competency, Credential, Evaluation, Issuer, Pathway
from badges.services.programme.awarding import SELF_ASSESSMENT
from badges.services.reporting.figures_skills import AVANT, acquired, aimed_levels, rank
from badges.services.reporting.scope import DIMENSIONS, UNSET, Filters, Period

Fact = tuple[str, Any, int]  # metric, the key of the thing counted, its weight (minutes for the hours)
Placed = tuple[int, Any, Any, Fact]  # tiers-lieu id, pathway (or None), person (or None), fact


def _activity(session: Any, period: Period) -> Iterator[Placed]:
    """Pathways, people, ateliers, hours and badges of the period, each where it belongs."""
    start, end = period.bounds()
    enrolled_in: dict[int, list[Pathway]] = defaultdict(list)  # person id -> the period's pathways
    for pathway in session.scalars(select(Pathway)):
        if pathway.start_date <= period.end and (pathway.end_date or period.end) >= period.start:
            people = [enrolment.beneficiary for enrolment in pathway.enrolments]
            for person in people or [None]:
                yield pathway.issuer_id, pathway, person, ("pathways", pathway.id, 1)
                yield pathway.issuer_id, pathway, person, ("tiers_lieux", pathway.issuer_id, 1)
            for person in people:
                yield pathway.issuer_id, pathway, person, ("beneficiaries", person.id, 1)
                enrolled_in[person.id].append(pathway)
    for atelier in session.scalars(select(Atelier)):
        if period.start <= atelier.held_on <= period.end:
            pathway, minutes = atelier.pathway, atelier.duration_minutes
            present = [attendance.beneficiary for attendance in atelier.attendances if attendance.present]
            for person in present or [None]:
                yield pathway.issuer_id, pathway, person, ("ateliers", atelier.id, 1)
                yield pathway.issuer_id, pathway, person, ("atelier_hours", atelier.id, minutes)
                yield pathway.issuer_id, pathway, person, ("tiers_lieux", pathway.issuer_id, 1)
            for person in present:
                hours = ("participant_hours", (atelier.id, person.id), minutes)
                yield pathway.issuer_id, pathway, person, hours
    for credential in session.scalars(select(Credential)):
        person = credential.beneficiary
        issued = credential.awarded_at or credential.issued_at
        for metric, at in (("badges_issued", issued), ("badges_revoked", credential.revoked_at)):
            if at is not None and start <= at < end:
                for pathway in (enrolled_in[person.id] if person else []) or [None]:
                    yield credential.issuer_id, pathway, person, (metric, credential.id, 1)


def _skills(session: Any, period: Period) -> Iterator[Placed]:
    """The (person, competence) pairs acquired in the period, where the evaluation belongs."""
    start, end = period.bounds()
    evaluations = [e for e in session.scalars(select(Evaluation)) if e.method != SELF_ASSESSMENT]
    baselines: dict[tuple[int, int], int] = {}  # (person, competency) -> their highest *avant*
    for e in evaluations:
        if e.moment == AVANT:
            pair = (e.beneficiary_id, e.competency_id)
            baselines[pair] = max(baselines.get(pair, 0), rank(e.result))
    aims = aimed_levels(session)
    for e in evaluations:
        if e.moment != AVANT and start <= e.evaluated_at < end:
            own = rank(e.competency.level) if rank(e.competency.level) > 1 else 0
            aim = aims.get(e.pathway_id, {}).get(e.competency_id) or own
            pair = (e.beneficiary_id, e.competency_id)
            if acquired(rank(e.result), aim, baselines.get(pair)):
                metric = f"skill:{e.competency.framework.slug}:{e.competency.code}"
                yield e.beneficiary.issuer_id, e.pathway, e.beneficiary, (metric, pair, 1)


def _figures(facts: set[Fact]) -> dict[str, Any]:
    """A group's figures from its distinct facts: a count of keys, or summed minutes given in hours."""
    found: dict[str, Any] = dict.fromkeys(("beneficiaries", "ateliers", "pathways", "tiers_lieux"), 0)
    found.update(badges_issued=0, badges_revoked=0, atelier_hours=0, participant_hours=0, skills_acquired={})
    for metric, _key, weight in facts:
        if metric.startswith("skill:"):
            skill = metric.removeprefix("skill:")
            found["skills_acquired"][skill] = found["skills_acquired"].get(skill, 0) + 1
        else:
            found[metric] += weight
    for metric in ("atelier_hours", "participant_hours"):
        found[metric] = round(found[metric] / 60, 2)
    return found


def key_figures(session: Any, *, period: Period, filters: Filters) -> dict[str, Any]:
    issuers = {issuer.id: issuer for issuer in session.scalars(select(Issuer))}
    wanted = (filters.pathway_type, filters.category, filters.profile)
    places: dict[tuple[str, ...], set[Fact]] = defaultdict(set)  # the five dimensions -> facts
    for issuer_id, pathway, person, fact in (*_activity(session, period), *_skills(session, period)):
        issuer = issuers[issuer_id]
        kind = (pathway.type, pathway.category) if pathway else (None, None)
        dims = tuple(d or UNSET for d in (issuer.slug, issuer.department, *kind, person and person.profile))
        if (
            (filters.issuer_ids is None or issuer_id in filters.issuer_ids)
            and (filters.department is None or issuer.department == filters.department)
            and all(want is None or want == dim for want, dim in zip(wanted, dims[2:], strict=True))
        ):
            places[dims].add(fact)
    totals = _figures(set().union(*places.values()))
    labels = {}  # the newest framework version's label
    for competency in sorted(session.scalars(select(Competency)), key=lambda c: c.framework.version):
        labels[f"{competency.framework.slug}:{competency.code}"] = competency.label
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "totals": totals,
        "by": {
            dimension: [
                {"key": key, **_figures(set().union(*(f for d, f in places.items() if d[position] == key)))}
                for key in sorted({dims[position] for dims in places})
            ]
            for position, dimension in enumerate(DIMENSIONS)
        },
        "competences": {ref: labels.get(ref, ref) for ref in sorted(totals["skills_acquired"])},
    }
