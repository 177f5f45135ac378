"""What the programme costs, for coordinators (issue 14): budgets, cost per beneficiary and per hour.

Definitions (same period and filters as figures.py, pathway type and category included):
* budget: the sum of the budgets of the pathways whose dates overlap the period, each pathway's whole
  budget (a pathway is funded as a whole; its budget is not spread over days);
* beneficiaries: distinct beneficiaries enrolled in those pathways (figures.py's "bénéficiaires
  accompagnés");
* atelier_hours: the hours of accompaniment of those pathways, every atelier of theirs, whatever its date,
  each atelier once: the hours the budget paid for;
* per_beneficiary = budget / beneficiaries, per_hour = budget / atelier_hours, in euros, rounded to the
  cent; None when the divisor is 0 (nothing to divide by is not a cost of 0).
A budget belongs to a pathway, not to a person: filtered by profile, the figures would divide a whole
budget by some of its people, so they are not computed (`available` is False). Breakdowns are by
tiers-lieu, department, pathway type and category, never by profile. Staff and counsellors never get
these figures (the views call this module for coordinators only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Atelier, Enrolment, Issuer, Pathway
from badges.services.reporting.scope import UNSET, Filters, Period, pathways_in, scoped

COST_DIMENSIONS = ("tiers_lieu", "department", "pathway_type", "category")


class CostRow(TypedDict):
    key: str
    budget: int
    beneficiaries: int
    atelier_hours: float
    per_beneficiary: float | None
    per_hour: float | None


class CostFigures(TypedDict):
    available: bool
    totals: CostRow
    by: dict[str, list[CostRow]]


@dataclass
class _Group:
    budget: int = 0
    minutes: int = 0
    people: set[int] = field(default_factory=set)

    def add(self, budget: int, minutes: int, people: set[int]) -> None:
        self.budget += budget
        self.minutes += minutes
        self.people |= people

    def row(self, key: str) -> CostRow:
        hours = round(self.minutes / 60, 2)
        return {
            "key": key,
            "budget": self.budget,
            "beneficiaries": len(self.people),
            "atelier_hours": hours,
            "per_beneficiary": round(self.budget / len(self.people), 2) if self.people else None,
            "per_hour": round(self.budget * 60 / self.minutes, 2) if self.minutes else None,
        }


def _pathways(session: Session, period: Period, filters: Filters) -> list[tuple[int, tuple[str, ...], int]]:
    """(pathway id, its dimensions, its budget) of the period's pathways kept by the filters."""
    query = scoped(
        select(
            Pathway.id, Issuer.slug, Issuer.department, Pathway.type, Pathway.category, Pathway.budget_euros
        )
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .where(pathways_in(period)),
        filters,
    )
    if filters.pathway_type is not None:
        query = query.where(Pathway.type == filters.pathway_type)
    if filters.category is not None:
        query = query.where(Pathway.category == filters.category)
    return [
        (row[0], tuple(value or UNSET for value in row[1:5]), row[5] or 0)
        for row in session.connection().execute(query)
    ]


def _minutes_and_people(session: Session, ids: list[int]) -> tuple[dict[int, int], dict[int, set[int]]]:
    minutes: dict[int, int] = {}
    people: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 1000):  # bounded IN lists
        chunk = ids[start : start + 1000]
        rows = session.connection().execute(
            select(Atelier.pathway_id, func.sum(Atelier.duration_minutes))
            .where(Atelier.pathway_id.in_(chunk))
            .group_by(Atelier.pathway_id)
        )
        minutes.update({pathway_id: int(total or 0) for pathway_id, total in rows})
        enrolled = session.connection().execute(
            select(Enrolment.pathway_id, Enrolment.beneficiary_id).where(Enrolment.pathway_id.in_(chunk))
        )
        for pathway_id, person_id in enrolled:
            people[pathway_id].add(person_id)
    return minutes, people


def cost_figures(session: Session, *, period: Period, filters: Filters) -> CostFigures:
    """Budgets and costs of the period's pathways: totals and by tiers-lieu, department, type, category."""
    if filters.profile is not None:
        return {"available": False, "totals": _Group().row("Total"), "by": {}}
    found = _pathways(session, period, filters)
    minutes, people = _minutes_and_people(session, [pathway_id for pathway_id, _, _ in found])
    total = _Group()
    groups: dict[str, dict[str, _Group]] = {dimension: defaultdict(_Group) for dimension in COST_DIMENSIONS}
    for pathway_id, dims, budget in found:
        facts = (budget, minutes.get(pathway_id, 0), people.get(pathway_id, set()))
        total.add(*facts)
        for dimension, key in zip(COST_DIMENSIONS, dims, strict=True):
            groups[dimension][key].add(*facts)
    return {
        "available": True,
        "totals": total.row("Total"),
        "by": {
            dimension: [found_groups[key].row(key) for key in sorted(found_groups)]
            for dimension, found_groups in groups.items()
        },
    }


COST_HEADERS = ("Budget (€)", "Bénéficiaires", "Heures d'accompagnement", "Coût par bénéficiaire (€)",
                "Coût par heure d'accompagnement (€)")  # fmt: skip


def cost_csv_rows(costs: CostFigures, labels: dict[str, dict[str, str]]) -> list[list[str]]:
    """The rows the key figures' CSV file ends with (coordinators' file only); numbers in French."""
    from badges.services.reporting.figures_output import DIMENSION_NAMES, french_number

    def cells(row: CostRow) -> list[str]:
        values = (row["budget"], row["beneficiaries"], row["atelier_hours"])
        costs_of = (row["per_beneficiary"], row["per_hour"])
        return [french_number(v) for v in values] + ["" if v is None else french_number(v) for v in costs_of]

    if not costs["available"]:
        return [
            [],
            ["Coûts", "non calculés quand un profil est choisi : un budget est celui du parcours entier"],
        ]
    rows = [[], ["Coûts", "Valeur", *COST_HEADERS], ["Total", "", *cells(costs["totals"])]]
    for dimension, groups in costs["by"].items():
        for row in groups:
            name = labels.get(dimension, {}).get(row["key"], row["key"])
            rows.append([DIMENSION_NAMES[dimension], name, *cells(row)])
    return rows
