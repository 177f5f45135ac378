"""Badges issued and revoked in the key figures, counted by the database per group of each dimension and in
total (issue 17): a few hundred rows come back instead of one per holder and kind of pathway.

A holder's badges at a tiers-lieu are one fact with two weights (issued, revoked in the period), placed in
each kind of pathway of the period the holder is enrolled in (else in none). A group keeps each holder's
fact once and sums the weights, so a holder enrolled in two kinds of pathway counts once in the total
and once in each kind's row (figures.py gives the definitions). Counting the other facts this way too was
measured slower than in Python at 100,000 credentials (six distinct passes over ~75,000 facts cost the
database more than the client saved; bench/README.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Credential, Enrolment, Issuer, Pathway
from badges.services.reporting.scope import DIMENSIONS, UNSET, Filters, Period, pathways_in, scoped

TOTAL = ""  # the dimension (and group) of the totals' row


Counted = dict[tuple[str, str], dict[str, int]]  # (dimension, group) -> metric -> count or summed weight


def _dim(column: Any) -> Any:
    """A place's value as a breakdown names it: an unset (or empty) value is "non_renseigne"."""
    return func.coalesce(func.nullif(column, ""), UNSET)


def _place(base: Any, kind: Any, profile: Any, filters: Filters) -> Any:
    """`base` with the place's five dimensions as columns, narrowed to the filters' places."""
    dims = (Issuer.slug, _dim(Issuer.department), _dim(kind.type), _dim(kind.category), _dim(profile))
    labelled = (dim.label(name) for dim, name in zip(dims, DIMENSIONS, strict=True))
    query = scoped(base.add_columns(*labelled), filters)
    for wanted, dim in zip((filters.pathway_type, filters.category, filters.profile), dims[2:], strict=True):
        if wanted is not None:
            query = query.where(dim == wanted)
    return query


def _within(column: Any, start: Any, end: Any) -> Any:
    return case((and_(column >= start, column < end), 1), else_=0)


def _credential_facts(period: Period, filters: Filters) -> Any:
    """Badges issued and revoked in the period, as a weight per holder and tiers-lieu (the number of their
    badges), placed in each kind of pathway of the period the holder is enrolled in, else in none."""
    start, end = period.bounds()
    holders = _holders(start, end)
    kinds = (
        select(Enrolment.beneficiary_id, Pathway.type, Pathway.category)
        .distinct()
        .join(Pathway)
        .where(pathways_in(period))
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
    rows = _place(base, kinds.c, Beneficiary.profile, filters).subquery("placed")
    # A fact: its holder (two columns), its two weights, its place's five dimensions.
    key = (rows.c.issuer.label("k1"), rows.c.person.label("k2"))
    weights = (cast(rows.c.issued, Integer).label("w"), cast(rows.c.revoked, Integer).label("m"))
    return select(*key, *weights, *(rows.c[name] for name in DIMENSIONS))


def _holders(start: datetime, end: datetime) -> Any:
    """Per holder and tiers-lieu, their badges issued and revoked in [start, end)."""
    # Issued in the period: awarded in it (issue 14; the signing date may be later), rows older than
    # migration 0009 read their signing date.
    awarded = func.coalesce(Credential.awarded_at, Credential.issued_at)
    holder = (Credential.issuer_id, Credential.beneficiary_id)
    return (
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


def counted(session: Session, period: Period, filters: Filters) -> Counted:
    """(dimension, group) -> badges_issued and badges_revoked, for each dimension and the totals (dimension
    and group TOTAL), in one statement."""
    facts = _credential_facts(period, filters).cte("facts")
    parts = []
    for dimension in (*DIMENSIONS, TOTAL):
        group = facts.c[dimension] if dimension else literal(TOTAL, String)
        # A holder found in two places of a group counts once: their fact once, with its weights.
        keys = (facts.c.k1, facts.c.k2, facts.c.w, facts.c.m)
        distinct = select(group.label("grp"), *keys).distinct().subquery()
        sums = (func.sum(distinct.c.w), func.sum(distinct.c.m))
        parts.append(select(literal(dimension, String), distinct.c.grp, *sums).group_by(distinct.c.grp))
    found: Counted = {}
    for dimension, group, issued, revoked in session.connection().execute(union_all(*parts)):
        found[(dimension, group)] = {"badges_issued": int(issued), "badges_revoked": int(revoked)}
    return found
