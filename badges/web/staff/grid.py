"""The evaluation grid of an atelier: the group x the competences worked, saved in one go.

Every cell is a select named `r|<beneficiary id>|<competence ref>`; empty means "non évalué" and is
not sent. The grid service checks the whole grid: on error nothing is saved and the page comes back
with everything typed and the message naming the cell; badges issued by the save are announced.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Role
from badges.services.programme import evaluation, programme_listing
from badges.services.programme.programme_listing import Grid
from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import LEVELS
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.ateliers import atelier_of, issuing, outcome_message
from badges.web.staff.forms import commit_and_redirect, invalid
from badges.web.staff.identity import signed_in
from badges.web.staff.labels import METHODS, MOMENTS, friendly, options

PAGE = "staff/programme/grid.html"
DEFAULTS = {"moment": "pendant", "method": "observation"}


def cell_name(beneficiary: str, ref: str) -> str:
    return f"r|{beneficiary}|{ref}"


def _cells(grid: Grid) -> list[tuple[str, str, str]]:
    """(field name, beneficiary id, competence ref) of every cell, row by row."""
    return [(cell_name(r["id"], c["ref"]), r["id"], c["ref"]) for r in grid["rows"] for c in grid["columns"]]


def _typed(grid: Grid) -> dict[str, str]:
    """What was chosen in each cell (levels only: anything else is kept and reported by the service)."""
    return {name: request.form.get(name, "").strip() for name, _b, _r in _cells(grid)}


def _request(grid: Grid, form: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The grid service's input, and the field name of each sent cell (its errors are `results[i]`)."""
    sent = [(name, who, ref) for name, who, ref in _cells(grid) if form[name]]
    data = {
        "moment": request.form.get("moment") or None,
        "method": request.form.get("method") or None,
        "results": [{"beneficiary": who, "competency": ref, "result": form[name]} for name, who, ref in sent],
    }
    return data, [name for name, _b, _r in sent]


def _errors(exc: InvalidInput, names: list[str]) -> dict[str, str]:
    """Cell errors keyed by the cell's field name; an empty grid gets a message saying what to do."""
    errors = {}
    for key, message in friendly(exc.fields).items():
        if key == "results":
            errors["grille"] = _("Choisissez au moins un niveau dans la grille.")
        elif key.startswith("results["):
            errors[names[int(key[8:-1])]] = message
        else:
            errors[key] = message
    return errors


def _page(grid: Grid, typed: dict[str, str], chosen: dict[str, str]) -> dict[str, Any]:
    return {
        "grid": grid,
        "typed": typed,
        "chosen": chosen,
        "moments": options(MOMENTS),
        "methods": options(METHODS),
        "levels": LEVELS,
    }


@bp.route("/ateliers/<atelier_id>/grid", methods=["GET", "POST"])
@role_required(Role.STAFF)
def atelier_grid(atelier_id: str) -> Response | str | tuple[str, int]:
    found, session = atelier_of(atelier_id), get_session()
    grid = programme_listing.grid(session, found)
    if request.method == "GET":
        return render_template(PAGE, errors={}, **_page(grid, {}, DEFAULTS))
    typed = _typed(grid)
    data, names = _request(grid, typed)
    try:
        _saved, outcome = evaluation.record_grid(
            session, issuing(), atelier=found, evaluator=signed_in(), data=data
        )
    except InvalidInput as exc:
        chosen = {"moment": data["moment"] or "", "method": data["method"] or ""}
        return invalid(PAGE, _errors(exc, names), **_page(grid, typed, chosen))
    count = len(data["results"])
    saved = _("Grille enregistrée : %(num)s évaluations.", num=count)
    return commit_and_redirect(
        " ".join(filter(None, [saved, outcome_message(outcome)])), "staff.atelier_grid", atelier_id=atelier_id
    )
