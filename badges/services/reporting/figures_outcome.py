"""Key figures of the end of pathways: outcomes written and orientations by kind of resource actor, with
the key figures' filters (period, tiers-lieu, department, pathway type, category, profile).

Definitions: an outcome counts in the period when it was written (first saved) in it; an orientation is one
(outcome, actor) pair, counted under the actor's kind; "people oriented" are distinct beneficiaries with at
least one orientation. Only aggregates leave this module.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Issuer, Pathway, PathwayOutcome
from badges.services.reporting.scope import Filters, Period
from badges.services.shared import spreadsheet


class OutcomeFigures(TypedDict):
    outcomes: int
    shared: int
    people_oriented: int
    orientations: int
    by_kind: dict[str, int]  # actor kind -> orientations
    by_tiers_lieu: dict[str, int]  # tiers-lieu slug -> outcomes


def outcome_figures(session: Session, *, period: Period, filters: Filters) -> OutcomeFigures:
    start, end = period.bounds()
    query = (
        select(PathwayOutcome, Pathway, Issuer, Beneficiary)
        .join(Pathway, Pathway.id == PathwayOutcome.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .join(Beneficiary, Beneficiary.id == PathwayOutcome.beneficiary_id)
        .where(PathwayOutcome.created_at >= start, PathwayOutcome.created_at < end)
        .order_by(PathwayOutcome.id)
    )
    if filters.issuer_ids is not None:
        query = query.where(Issuer.id.in_(filters.issuer_ids))
    found: OutcomeFigures = {
        "outcomes": 0,
        "shared": 0,
        "people_oriented": 0,
        "orientations": 0,
        "by_kind": {},
        "by_tiers_lieu": {},
    }
    oriented: set[int] = set()
    for outcome, pathway, issuer, person in session.execute(query):
        if not _kept(pathway, issuer, person, filters):
            continue
        found["outcomes"] += 1
        found["shared"] += outcome.shared_at is not None
        found["by_tiers_lieu"][issuer.slug] = found["by_tiers_lieu"].get(issuer.slug, 0) + 1
        for actor in outcome.orientations:
            oriented.add(person.id)
            found["orientations"] += 1
            found["by_kind"][actor.kind] = found["by_kind"].get(actor.kind, 0) + 1
    found["people_oriented"] = len(oriented)
    found["by_kind"] = dict(sorted(found["by_kind"].items()))
    return found


def _kept(pathway: Pathway, issuer: Issuer, person: Beneficiary, filters: Filters) -> bool:
    checks = (
        (filters.department, issuer.department),
        (filters.pathway_type, pathway.type),
        (filters.category, pathway.category),
        (filters.profile, person.profile),
    )
    return all(value is None or value == actual for value, actual in checks)


def csv_part(figures: OutcomeFigures, kind_labels: dict[str, str], places: dict[str, str]) -> str:
    """The rows the key figures' CSV adds after its own (French headers, like the rest of the file)."""
    rows: list[list[object]] = [
        [],
        ["Suite de parcours", "Nombre"],
        ["Bilans de fin de parcours", str(figures["outcomes"])],
        ["Bilans partagés avec le conseiller", str(figures["shared"])],
        ["Personnes orientées", str(figures["people_oriented"])],
        ["Orientations", str(figures["orientations"])],
        [],
        ["Orientations par type d'acteur", "Orientations"],
    ]
    rows += [[kind_labels.get(kind, kind), str(n)] for kind, n in figures["by_kind"].items()]
    rows += [[], ["Bilans par tiers-lieu", "Bilans"]]
    rows += [[places.get(slug, slug), str(n)] for slug, n in sorted(figures["by_tiers_lieu"].items())]
    return spreadsheet.write(rows)
