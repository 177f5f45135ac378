"""Key figures for a period (staff: their tiers-lieu; coordinators: all tiers-lieux, or one)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select

from badges.db import get_session
from badges.models import Issuer, Role
from badges.services.programme import pathways
from badges.services.reporting import figures, figures_costs
from badges.services.reporting.scope import Filters, period_of
from badges.services.shared import profiles
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import BAD_DEPARTMENT, DEPARTMENT_RE, NOT_A_CHOICE
from badges.web.api import bp
from badges.web.api.inputs import accepts
from badges.web.api.scope import arg, readable_issuers
from badges.web.auth import current_user, token_required

UNKNOWN_ISSUER = message("reports.unknown_issuer", N_("Tiers-lieu inconnu."))

# `category` is validated by the reporting filters (pathway categories).
FILTERS = ("from", "to", "tiers_lieu", "department", "pathway_type", "profile", "category")


def _filters(errors: dict[str, Message]) -> Filters:
    """The filters of the query string; their errors are added to `errors`."""
    scope = readable_issuers()
    slug = arg("tiers_lieu")
    if slug is not None:
        found = get_session().scalar(select(Issuer.id).where(Issuer.slug == slug))
        if found is None or (scope is not None and found not in scope):
            errors["tiers_lieu"] = UNKNOWN_ISSUER
        scope = [found] if found is not None else scope
    checks = (
        ("department", lambda v: DEPARTMENT_RE.match(v), BAD_DEPARTMENT),
        (
            "pathway_type",
            lambda v: v in pathways.TYPES,
            NOT_A_CHOICE(choices=", ".join(pathways.TYPES)),
        ),
        (
            "category",
            lambda v: v in pathways.CATEGORIES,
            NOT_A_CHOICE(choices=", ".join(pathways.CATEGORIES)),
        ),
        (
            "profile",
            lambda v: v in profiles.PROFILES,
            NOT_A_CHOICE(choices=", ".join(profiles.PROFILES)),
        ),
    )
    for name, valid, said in checks:
        value = arg(name)
        if value is not None and not valid(value):
            errors[name] = said
    return Filters(
        issuer_ids=scope,
        department=arg("department"),
        pathway_type=arg("pathway_type"),
        category=arg("category"),
        profile=arg("profile"),
    )


@bp.get("/reports")
@token_required
@accepts(query=FILTERS)
def key_figures() -> Response:
    """`?from=AAAA-MM-JJ&to=AAAA-MM-JJ` and optional `tiers_lieu`, `department`, `pathway_type`, `category`,
    `profile`; the figures are reporting/figures.py's (its docstring defines each one)."""
    errors: dict[str, Message] = {}
    try:
        period = period_of(request.args.get("from"), request.args.get("to"))
    except InvalidInput as exc:
        errors.update(exc.field_messages)
    filters = _filters(errors)
    if errors:
        raise InvalidInput(errors)
    found: dict[str, Any] = dict(figures.key_figures(get_session(), period=period, filters=filters))
    if current_user().role == Role.COORDINATOR.value:  # budgets and costs: coordinators only (issue 14)
        found["costs"] = figures_costs.cost_figures(get_session(), period=period, filters=filters)
    return jsonify(found)
