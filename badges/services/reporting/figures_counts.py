"""Key figures counted by the database: distinct things per group of each dimension (issue 17).

Every fact (a pathway running, an atelier held, a person enrolled, a holder's badges) is a row of one
statement with its place (tiers-lieu, department, pathway type, category, profile), its metric, its key and
its weight (1, minutes, or a holder's number of badges). The database keeps each (group, metric, key) once
and sums the weights, for each dimension and for the totals: a few hundred rows come back instead of the
~10^5 facts of a year of a large network. figures.py gives the definitions of the figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Integer, String, and_, case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from badges.models import Atelier, Attendance, Beneficiary, Credential, Enrolment, Issuer, Pathway

UNSET = "non_renseigne"
DIMENSIONS = ("tiers_lieu", "department", "pathway_type", "category", "profile")
TOTAL = ""  # the dimension (and group) of the totals' row


class Period(Protocol):
    """figures.Period (named here by shape: figures imports this module)."""

    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    def bounds(self) -> tuple[datetime, datetime]: ...


class Filters(Protocol):
    """figures.Filters, by shape."""

    @property
    def issuer_ids(self) -> list[int] | None: ...
    @property
    def department(self) -> str | None: ...
    @property
    def pathway_type(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def profile(self) -> str | None: ...


Counted = dict[tuple[str, str], dict[str, int]]  # (dimension, group) -> metric -> count or summed weight


def _dim(column: Any) -> Any:
    """A place's value as a breakdown names it: an unset (or empty) value is "non_renseigne"."""
    return func.coalesce(func.nullif(column, ""), UNSET)


def _place(base: Any, kind: Any, profile: Any, filters: Filters) -> Any:
    """`base` with the place's five dimensions as columns, narrowed to the filters' places."""
    dims = (Issuer.slug, _dim(Issuer.department), _dim(kind.type), _dim(kind.category), _dim(profile))
    query = base.add_columns(*(dim.label(name) for dim, name in zip(dims, DIMENSIONS, strict=True)))
    if filters.issuer_ids is not None:
        query = query.where(Issuer.id.in_(filters.issuer_ids))
    if filters.department is not None:
        query = query.where(Issuer.department == filters.department)
    for wanted, dim in zip((filters.pathway_type, filters.category, filters.profile), dims[2:], strict=True):
        if wanted is not None:
            query = query.where(dim == wanted)
    return query


def _facts(source: Any, metric: str, key: tuple[Any, Any, Any], weights: tuple[Any, Any], *where: Any) -> Any:
    """One fact's rows from a source: (metric, key as three columns, two weights, the five dimensions).

    Two weights let one row carry two figures of the same key (an atelier and its minutes, a holder's
    badges issued and revoked): half the rows to keep distinct (issue 17)."""
    k1, k2, k3 = key
    columns = (literal(metric, String).label("metric"), k1.label("k1"), k2.label("k2"), k3.label("k3"))
    counts = (cast(weights[0], Integer).label("w"), cast(weights[1], Integer).label("m"))
    return select(*columns, *counts, *(source.c[name] for name in DIMENSIONS)).where(*where)


# The figures each fact's summed weights give (FACTS[metric] = (first weight's, second weight's)).
FACTS: dict[str, tuple[str | None, str | None]] = {
    "pathways": ("pathways", None),
    "tiers_lieux": ("tiers_lieux", None),
    "beneficiaries": ("beneficiaries", None),
    "ateliers": ("ateliers", "atelier_hours"),
    "participants": (None, "participant_hours"),
    "badges": ("badges_issued", "badges_revoked"),
}


NO_INT, NO_TEXT = cast(null(), Integer), cast(null(), String)


def _in_period(period: Period) -> Any:
    return and_(
        Pathway.start_date <= period.end, or_(Pathway.end_date.is_(None), Pathway.end_date >= period.start)
    )


def _enrolment_facts(period: Period, filters: Filters) -> list[Any]:
    """Pathways of the period, their tiers-lieux and the people enrolled (a pathway nobody joined still
    runs, under the profile "non_renseigne")."""
    base = (
        select(Pathway.id.label("pathway"), Pathway.issuer_id.label("issuer"), Beneficiary.id.label("person"))
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Enrolment, Enrolment.pathway_id == Pathway.id)
        .outerjoin(Beneficiary, Beneficiary.id == Enrolment.beneficiary_id)
        .where(_in_period(period))
    )
    rows = _place(base, Pathway, Beneficiary.profile, filters).cte("enrolments")
    # A pathway (and its tiers-lieu) appears once per person enrolled: kept once per place here already.
    return [
        _facts(rows, "pathways", (rows.c.pathway, NO_INT, NO_TEXT), (1, 0)).distinct(),
        _facts(rows, "tiers_lieux", (rows.c.issuer, NO_INT, NO_TEXT), (1, 0)).distinct(),
        _facts(rows, "beneficiaries", (rows.c.person, NO_INT, NO_TEXT), (1, 0), rows.c.person.is_not(None)),
    ]


def _atelier_facts(period: Period, filters: Filters) -> list[Any]:
    """Ateliers held in the period, with their people present counted by profile: each (atelier, person)
    pair has one profile, so the participant hours of (atelier, profile) are its duration times the people
    present. An atelier held is activity even if its pathway's dates were edited since."""
    columns = (Atelier.id, Atelier.duration_minutes, Pathway.issuer_id, Pathway.type, Pathway.category)
    base = (
        select(Atelier.id.label("atelier"), Pathway.issuer_id.label("issuer"))
        .add_columns(Atelier.duration_minutes.label("minutes"), Beneficiary.profile.label("raw_profile"))
        .add_columns(func.count(Attendance.atelier_id).label("people"))
        .join(Pathway, Pathway.id == Atelier.pathway_id)
        .join(Issuer, Issuer.id == Pathway.issuer_id)
        .outerjoin(Attendance, and_(Attendance.atelier_id == Atelier.id, Attendance.present.is_(True)))
        .outerjoin(Beneficiary, Beneficiary.id == Attendance.beneficiary_id)
        .where(Atelier.held_on >= period.start, Atelier.held_on <= period.end)
        .group_by(*columns, Issuer.slug, Issuer.department, Beneficiary.profile)
    )
    rows = _place(base, Pathway, Beneficiary.profile, filters).cte("ateliers")
    return [
        _facts(rows, "ateliers", (rows.c.atelier, NO_INT, NO_TEXT), (1, rows.c.minutes)),
        _facts(rows, "tiers_lieux", (rows.c.issuer, NO_INT, NO_TEXT), (1, 0)).distinct(),
        _facts(
            rows,
            "participants",
            (rows.c.atelier, NO_INT, rows.c.raw_profile),
            (0, rows.c.minutes * rows.c.people),
            rows.c.people > 0,
        ),
    ]


def _within(column: Any, start: Any, end: Any) -> Any:
    return case((and_(column >= start, column < end), 1), else_=0)


def _credential_facts(period: Period, filters: Filters) -> list[Any]:
    """Badges issued and revoked in the period, as a weight per holder and tiers-lieu (the number of their
    badges), placed in each kind of pathway of the period the holder is enrolled in, else in none."""
    start, end = period.bounds()
    # Issued in the period: awarded in it (issue 14; the signing date may be later), rows older than
    # migration 0009 read their signing date.
    awarded = func.coalesce(Credential.awarded_at, Credential.issued_at)
    holder = (Credential.issuer_id, Credential.beneficiary_id)
    holders = (
        select(*holder)
        .add_columns(
            func.sum(_within(awarded, start, end)).label("issued"),
            func.sum(_within(Credential.revoked_at, start, end)).label("revoked"),
        )
        .where(
            or_(
                and_(Credential.awarded_at >= start, Credential.awarded_at < end),
                and_(
                    Credential.awarded_at.is_(None), Credential.issued_at >= start, Credential.issued_at < end
                ),
                and_(Credential.revoked_at >= start, Credential.revoked_at < end),
            )
        )
        .group_by(*holder)
        .subquery("holders")
    )
    kinds = (
        select(Enrolment.beneficiary_id, Pathway.type, Pathway.category)
        .distinct()
        .join(Pathway)
        .where(_in_period(period))
        .subquery("kinds")
    )
    base = (
        select(holders.c.issuer_id.label("issuer"), holders.c.beneficiary_id.label("person"))
        .add_columns(holders.c.issued, holders.c.revoked)
        .select_from(holders)
        .join(Issuer, Issuer.id == holders.c.issuer_id)
        .outerjoin(Beneficiary, Beneficiary.id == holders.c.beneficiary_id)
        .outerjoin(kinds, kinds.c.beneficiary_id == holders.c.beneficiary_id)
    )
    rows = _place(base, kinds.c, Beneficiary.profile, filters).cte("holders_placed")
    return [_facts(rows, "badges", (rows.c.issuer, rows.c.person, NO_TEXT), (rows.c.issued, rows.c.revoked))]


def counted(session: Session, period: Period, filters: Filters) -> Counted:
    """Every metric but the skills, per group of each dimension and in total, in one statement."""
    facts = union_all(
        *_enrolment_facts(period, filters),
        *_atelier_facts(period, filters),
        *_credential_facts(period, filters),
    ).cte("facts")
    keys = (facts.c.metric, facts.c.k1, facts.c.k2, facts.c.k3, facts.c.w, facts.c.m)
    # Outside the profile breakdown a fact's profile does not matter: an atelier with people of three
    # profiles is one fact there, not three (a third of the rows to keep distinct, issue 17).
    places = select(*keys, *(facts.c[name] for name in DIMENSIONS[:-1])).distinct().cte("places")
    parts = []
    for dimension in (*DIMENSIONS, TOTAL):
        source = facts if dimension == "profile" else places
        group = source.c[dimension] if dimension else literal(TOTAL, String)
        # A thing found in two places of a group counts once: its (metric, key) once, with its weights.
        distinct = select(group.label("grp"), *(source.c[key.name] for key in keys)).distinct().subquery()
        sums = (func.sum(distinct.c.w), func.sum(distinct.c.m))
        parts.append(
            select(literal(dimension, String), distinct.c.grp, distinct.c.metric, *sums).group_by(
                distinct.c.grp, distinct.c.metric
            )
        )
    found: Counted = defaultdict(dict)
    for dimension, group, fact, *totals in session.connection().execute(union_all(*parts)):
        for metric, total in zip(FACTS[fact], totals, strict=True):
            if metric is not None:
                found[(dimension, group)][metric] = int(total)
    return found
