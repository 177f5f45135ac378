"""What a report covers: a period (`period_of` reads it from a form or a query) and filters (the tiers-lieux
in scope, a department, a pathway type, a category, a profile), shared by every figure of `reporting`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_

from badges.models import Issuer, Pathway
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import NOT_A_DATE

END_BEFORE_START = message("figures.end_before_start", N_("La fin de la période précède son début."))
# The breakdowns of a report, and how a breakdown names a place whose value is not set.
DIMENSIONS = ("tiers_lieu", "department", "pathway_type", "category", "profile")
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
    category: str | None = None
    profile: str | None = None


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


def scoped(query: Any, filters: Filters) -> Any:
    """The query narrowed to the tiers-lieux in scope (the query joins Issuer)."""
    if filters.issuer_ids is not None:
        query = query.where(Issuer.id.in_(filters.issuer_ids))
    if filters.department is not None:
        query = query.where(Issuer.department == filters.department)
    return query


def pathways_in(period: Period) -> Any:
    """The pathways whose dates overlap the period (a pathway with no end date still runs)."""
    return and_(
        Pathway.start_date <= period.end, or_(Pathway.end_date.is_(None), Pathway.end_date >= period.start)
    )
