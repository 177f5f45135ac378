"""The evaluation grid of an atelier: the group x the competences worked, and who came, saved in one go.

Every cell is a select named `r|<beneficiary id>|<competence ref>`; empty means "non évalué". The grid
opens with what this atelier already saved; a save sends the cells that changed and the attendance
(checkbox `present` per row). The grid service checks the whole grid: on error nothing is saved and the
page comes back with everything typed and the message naming the cell; after a save the page says which
badges were issued (with links) and why the others were not.

Nothing typed is lost: the page keeps a draft in the browser (static/js/grid.js) and, while the session
is alive, on the server (`/grid/draft`). When the session has ended, the save leads to the sign-in page
and back to the grid, which opens filled with the draft and says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import bulk
from badges.models import Atelier, Role
from badges.services.programme import evaluation, grid_drafts, programme_listing
from badges.services.programme.programme_listing import Grid
from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import LEVELS
from badges.web.context import now
from badges.web.i18n import say_fields
from badges.web.staff import bp, grid_report
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


def _saved(grid: Grid) -> dict[str, str]:
    """What this atelier already saved, cell by cell."""
    return {
        cell_name(r["id"], ref): level for r in grid["rows"] for ref, level in r["previous"].items() if level
    }


def _present(grid: Grid) -> set[str]:
    """Who is ticked when the grid opens: who came, or (nothing recorded yet) who has a result."""
    if grid["recorded"]:
        return {r["id"] for r in grid["rows"] if r["present"]}
    return {r["id"] for r in grid["rows"] if any(r["previous"].values())}


def _typed(grid: Grid) -> dict[str, str]:
    """What was chosen in each cell (levels only: anything else is kept and reported by the service)."""
    return {name: request.form.get(name, "").strip() for name, _b, _r in _cells(grid)}


def _request(grid: Grid, form: dict[str, str], present: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The grid service's input (the cells that changed, and who came), and the field name of each
    sent cell (its errors are `results[i]`)."""
    saved = _saved(grid)
    sent = [
        (name, who, ref) for name, who, ref in _cells(grid) if form[name] and form[name] != saved.get(name)
    ]
    data: dict[str, Any] = {
        "moment": request.form.get("moment") or None,
        "method": request.form.get("method") or None,
        "results": [{"beneficiary": who, "competency": ref, "result": form[name]} for name, who, ref in sent],
    }
    if not present and not grid["recorded"]:
        # Nothing ticked and nothing recorded yet (a page without JavaScript, which ticks as one types):
        # who has a result came, so hours and attendance rules are not left at zero by accident.
        present = {who for name, who, _r in _cells(grid) if form[name] or saved.get(name)}
    if sent or present or grid["recorded"]:
        data["attendance"] = [{"beneficiary": r["id"], "present": r["id"] in present} for r in grid["rows"]]
    return data, [name for name, _b, _r in sent]


def _errors(exc: InvalidInput, names: list[str]) -> dict[str, str]:
    """Cell errors keyed by the cell's field name; an empty grid gets a message saying what to do."""
    errors = {}
    for key, message in friendly(say_fields(exc)).items():
        if key == "results":
            errors["grille"] = _("Choisissez au moins un niveau dans la grille.")
        elif key.startswith("results["):
            errors[names[int(key[8:-1])]] = message
        elif key.startswith("attendance"):
            errors["grille"] = _("Les présences n’ont pas pu être lues : rechargez la page.")
        else:
            errors[key] = message
    return errors


def _page(grid: Grid, typed: dict[str, str], chosen: dict[str, str], present: set[str]) -> dict[str, Any]:
    return {
        "grid": grid,
        "typed": typed,
        "chosen": chosen,
        "present": present,
        "moments": options(MOMENTS),
        "methods": options(METHODS),
        "levels": LEVELS,
        "draft_owner": signed_in().id,
    }


def _opened(atelier: Atelier, grid: Grid) -> str:
    """The grid as saved, or as the médiateur left it (server draft) with a message saying so."""
    draft = grid_drafts.find(get_session(), atelier=atelier, user=signed_in())
    typed, chosen, present = _saved(grid), DEFAULTS, _present(grid)
    if draft is not None:
        typed = {**typed, **draft["cells"]}
        chosen = {
            "moment": draft["moment"] or DEFAULTS["moment"],
            "method": draft["method"] or DEFAULTS["method"],
        }
        present = set(draft["present"])
    context = _page(grid, typed, chosen, present)
    return render_template(PAGE, errors={}, restored=draft is not None, report=grid_report.take(), **context)


@bp.route("/ateliers/<atelier_id>/grid", methods=["GET", "POST"])
@role_required(Role.STAFF)
def atelier_grid(atelier_id: str) -> Response | str | tuple[str, int]:
    found, session = atelier_of(atelier_id), get_session()
    grid = programme_listing.grid(session, found)
    if request.method == "GET":
        return _opened(found, grid)
    typed, present = _typed(grid), set(request.form.getlist("present"))
    data, names = _request(grid, typed, present)
    try:
        # Past INLINE_AWARDS_MAX awards, the save signs none: a bulk job does (below, jobs/bulk.py).
        signing = replace(issuing(), inline_max=int(current_app.config["INLINE_AWARDS_MAX"]))
        _saved_now, outcome = evaluation.record_grid(
            session, signing, atelier=found, evaluator=signed_in(), data=data
        )
    except InvalidInput as exc:
        chosen = {"moment": data["moment"] or "", "method": data["method"] or ""}
        return invalid(
            PAGE, _errors(exc, names), restored=False, report=None, **_page(grid, typed, chosen, present)
        )
    grid_drafts.discard(session, atelier=found, user=signed_in())
    job = None
    if outcome.deferred:  # too many to sign in the request: the workers sign them (jobs/bulk.py)
        job = bulk.queue_bulk_issue(
            session, outcome.deferred, issuer_id=found.pathway.issuer_id, user_id=signed_in().id
        )
    grid_report.keep(outcome, bulk_job=job.id if job is not None else None)
    count = len(data["results"])
    saved = ngettext(
        "Grille enregistrée : %(num)s évaluation.", "Grille enregistrée : %(num)s évaluations.", count
    )
    return commit_and_redirect(
        " ".join(filter(None, [saved, outcome_message(outcome)])),
        "staff.atelier_grid",
        atelier_id=atelier_id,
        enregistree=1,
    )


@bp.post("/ateliers/<atelier_id>/grid/draft")
@role_required(Role.STAFF)
def atelier_grid_draft(atelier_id: str) -> tuple[str, int]:
    """The page's draft, sent while typing (the grid's own fields): kept until the grid is saved."""
    found, session = atelier_of(atelier_id), get_session()
    grid = programme_listing.grid(session, found)
    data = {
        "cells": {name: value for name, value in _typed(grid).items() if value},
        "present": request.form.getlist("present"),
        "moment": request.form.get("moment", ""),
        "method": request.form.get("method", ""),
    }
    cells = {name for name, _b, _r in _cells(grid)}
    rows = {r["id"] for r in grid["rows"]}
    grid_drafts.save(
        session, atelier=found, user=signed_in(), data=data, cell_names=cells, row_ids=rows, now=now()
    )
    session.commit()
    return "", 204
