"""Key figures: staff see their tiers-lieu, coordinators the whole network (or one tiers-lieu).

Counting is services/reporting/figures.py's;
charts and the CSV file are services/reporting/figures_output.py's.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from badges.db import get_session
from badges.models import Issuer, Role
from badges.services.programme import pathways
from badges.services.reporting import (
    figures_costs,
    figures_outcome,
    figures_output,
    figures_ressenti,
    figures_shared,
)
from badges.services.reporting.figures import (
    HOURS,
    METRICS,
    KeyFigures,
    Metric,
    key_figures,
)
from badges.services.reporting.figures_outcome import OutcomeFigures, outcome_figures
from badges.services.reporting.scope import UNSET, Filters, Period, period_of
from badges.services.shared import profiles, spreadsheet
from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import DEPARTMENT_RE
from badges.web.context import now
from badges.web.files import file_response
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.actors import kind_labels
from badges.web.staff.identity import signed_in
from badges.web.staff.labels import CATEGORIES, PATHWAY_TYPES, PROFILE_LABELS, options

FILTERS = ("from", "to", "tiers_lieu", "department", "pathway_type", "category", "profile")
# The page's names of figures_output.HEADERS, in the reader's language (the CSV file keeps the French ones).
METRIC_LABELS = {
    "beneficiaries": _l("Bénéficiaires accompagnés"),
    "ateliers": _l("Ateliers de médiation"),
    "atelier_hours": _l("Heures d'accompagnement"),
    "participant_hours": _l("Heures-participants"),
    "pathways": _l("Parcours"),
    "tiers_lieux": _l("Tiers-lieux actifs"),
    "badges_issued": _l("Badges délivrés"),
    "badges_revoked": _l("Badges révoqués"),
}

FEELING_LABELS = {
    "tres_bien": _l("Très bien"),
    "bien": _l("Bien"),
    "moyen": _l("Moyen"),
    "difficile": _l("Difficile"),
}


def _places() -> list[tuple[str, str]]:
    user = signed_in()
    query = select(Issuer).order_by(Issuer.name)
    if user.role != Role.COORDINATOR.value:
        query = query.where(Issuer.id == user.issuer_id)
    return [(i.slug, i.name) for i in get_session().scalars(query)]


def _chosen() -> dict[str, str]:
    today = now().date()
    chosen = {name: request.args.get(name, "").strip() for name in FILTERS}
    chosen["from"] = chosen["from"] or date(today.year, 1, 1).isoformat()
    chosen["to"] = chosen["to"] or today.isoformat()
    return chosen


def _query(chosen: dict[str, str]) -> tuple[Period | None, Filters, dict[str, str]]:
    """The period and filters, and a French message per wrong filter (the figures are then not shown)."""
    errors: dict[str, str] = {}
    period = None
    try:
        period = period_of(chosen["from"], chosen["to"])
    except InvalidInput as exc:
        errors.update(say_fields(exc))
    user, places = signed_in(), dict(_places())
    scope = None if user.role == Role.COORDINATOR.value else [user.issuer_id or 0]
    if chosen["tiers_lieu"]:
        if chosen["tiers_lieu"] not in places:
            errors["tiers_lieu"] = _("Choisissez un tiers-lieu dans la liste.")
        found = get_session().scalar(select(Issuer.id).where(Issuer.slug == chosen["tiers_lieu"]))
        scope = [found] if found is not None else scope
    checks = {
        "department": (
            lambda v: DEPARTMENT_RE.match(v),
            _("Numéro de département invalide (ex. 94, 2A, 974)."),
        ),
        "pathway_type": (lambda v: v in pathways.TYPES, _("Choisissez un type de parcours dans la liste.")),
        "category": (
            lambda v: v in pathways.CATEGORIES,
            _("Choisissez une catégorie de parcours dans la liste."),
        ),
        "profile": (lambda v: v in profiles.PROFILES, _("Choisissez un profil dans la liste.")),
    }
    for name, (valid, message) in checks.items():
        if chosen[name] and not valid(chosen[name]):
            errors[name] = message
    filters = Filters(
        issuer_ids=scope,
        **{name: chosen[name] or None for name in ("department", "pathway_type", "category", "profile")},
    )
    return period, filters, errors


def _labels() -> dict[str, dict[str, str]]:
    unset = {UNSET: _("Non renseigné")}
    return {
        "tiers_lieu": dict(_places()),
        "pathway_type": {**unset, **{k: str(v) for k, v in PATHWAY_TYPES.items()}},
        "category": {**unset, **{k: str(v) for k, v in CATEGORIES.items()}},
        "profile": {**unset, **{k: str(v) for k, v in PROFILE_LABELS.items()}},
        "department": unset,
    }


def _charts(figures: KeyFigures) -> list[dict[str, Any]]:
    """One chart per figure people compare; counts and hours apart, since one scale cannot show both."""
    totals, by = figures["totals"], figures["by"]
    names = {key: str(label) for key, label in METRIC_LABELS.items()}
    labels = _labels()

    def per(dimension: str, metric: Metric) -> list[tuple[str, float]]:
        return [(labels[dimension].get(g["key"], g["key"]), g[metric]) for g in by[dimension]]

    counts = [m for m in METRICS if m not in HOURS]
    specs: list[tuple[str, str, list[tuple[str, float]]]] = [
        ("totaux", _("Chiffres de la période"), [(names[m], totals[m]) for m in counts]),
        ("heures", _("Heures de la période"), [(names[m], totals[m]) for m in HOURS]),
        ("heures-categories", _("Heures d'accompagnement par catégorie de parcours"),
         per("category", "atelier_hours")),
        ("badges-lieux", _("Badges délivrés par tiers-lieu"), per("tiers_lieu", "badges_issued")),
        ("competences", _("Compétences acquises, par compétence"),
         [(figures["competences"].get(ref, ref), n) for ref, n in totals["skills_acquired"].items()]),
    ]  # fmt: skip
    return [
        {"id": key, "title": title, "items": items, "svg": figures_output.bar_chart(key, title, items)}
        for key, title, items in specs
        if items
    ]


def _ressenti(chosen: dict[str, str]) -> figures_ressenti.RessentiFigures | None:
    """The participants' voice with the same period and filters (None when a filter is wrong)."""
    period, filters, errors = _query(chosen)
    if errors or period is None:
        return None
    return figures_ressenti.ressenti_figures(get_session(), period=period, filters=filters)


def _feelings_chart(voice: figures_ressenti.RessentiFigures) -> str:
    names = {key: str(label) for key, label in FEELING_LABELS.items()}
    items = [(names[feeling], float(n)) for feeling, n in voice["feelings"]]
    return figures_output.bar_chart("ressenti-images", _("Comment les participants se sont sentis"), items)


def _outcomes(chosen: dict[str, str]) -> OutcomeFigures | None:
    """The end-of-pathway figures with the same period and filters (services/reporting/figures_outcome)."""
    period, filters, errors = _query(chosen)
    if errors or period is None:
        return None
    return outcome_figures(get_session(), period=period, filters=filters)


def outcome_context(chosen: dict[str, str], shown: bool) -> dict[str, Any]:
    found = _outcomes(chosen) if shown else None
    chart = None
    if found and found["by_kind"]:
        title = _("Orientations par type d’acteur")
        labels = kind_labels()
        items: list[tuple[str, float]] = [(labels.get(k, k), n) for k, n in found["by_kind"].items()]
        chart = {"id": "orientations", "title": title, "items": items,
                 "svg": figures_output.bar_chart("orientations", title, items)}  # fmt: skip
    return {"outcome_figures": found, "outcome_chart": chart, "kind_labels": kind_labels()}


def outcome_csv(chosen: dict[str, str]) -> str:
    found = _outcomes(chosen)
    return figures_outcome.csv_part(found, kind_labels(), dict(_places())) if found else ""


def _figures() -> tuple[dict[str, str], KeyFigures | None, dict[str, str]]:
    chosen = _chosen()
    period, filters, errors = _query(chosen)
    if errors or period is None:
        return chosen, None, errors
    return chosen, key_figures(get_session(), period=period, filters=filters), {}


def _costs(chosen: dict[str, str]) -> figures_costs.CostFigures | None:
    """Budgets and costs: coordinators only (issue 14), staff never see them."""
    if signed_in().role != Role.COORDINATOR.value:
        return None
    period, filters, _errors = _query(chosen)
    assert period is not None  # _figures found no error in the same choices
    return figures_costs.cost_figures(get_session(), period=period, filters=filters)


def _shared(chosen: dict[str, str]) -> list[figures_shared.SharedClassFigures]:
    """Shared classes, awards per tiers-lieu: coordinators see the network's, staff their own classes'."""
    period, _filters, _errors = _query(chosen)
    assert period is not None  # _figures found no error in the same choices
    user = signed_in()
    creators = None if user.role == Role.COORDINATOR.value else [user.issuer_id or 0]
    return figures_shared.shared_figures(get_session(), period=period, creator_ids=creators)


@bp.get("/figures")
@role_required(Role.COORDINATOR, Role.STAFF)
def figures() -> tuple[str, int] | str:
    chosen, found, errors = _figures()
    context = {
        "chosen": chosen,
        "errors": errors,
        "figures": found,
        "period": [date.fromisoformat(found["period"][k]) for k in ("from", "to")] if found else [],
        "charts": _charts(found) if found else [],
        "places": _places(),
        "types": options(PATHWAY_TYPES),
        "categories": options(CATEGORIES),
        "profiles": options(PROFILE_LABELS),
        "coordinator": signed_in().role == Role.COORDINATOR.value,
        "headers": {key: str(label) for key, label in METRIC_LABELS.items()},
        "metrics": METRICS,
        **outcome_context(chosen, found is not None),
        "costs": _costs(chosen) if found else None,
        "shared_figures": _shared(chosen) if found else None,
        "labels": _labels(),
    }
    voice = _ressenti(chosen) if found else None
    chart = _feelings_chart(voice) if voice and voice["answers"] else None
    page = render_template("staff/figures.html", ressenti=voice, ressenti_chart=chart, **context)
    return (page, 422) if errors else page


@bp.get("/figures.csv")
@role_required(Role.COORDINATOR, Role.STAFF)
def figures_csv() -> Response | tuple[str, int]:
    chosen, found, errors = _figures()
    if found is None:
        return " ".join(errors.values()), 422
    body = figures_output.csv_text(found, _labels())
    voice = _ressenti(chosen)
    body += figures_ressenti.csv_text(voice) if voice else ""
    body += outcome_csv(chosen)
    costs = _costs(chosen)
    if costs is not None:
        extra = io.StringIO()
        writer = spreadsheet.Writer(extra)
        for row in figures_costs.cost_csv_rows(costs, _labels()):
            writer.writerow(row)
        body += extra.getvalue()
    return file_response(body, "text/csv", f"chiffres-cles-{chosen['from']}-{chosen['to']}.csv")
