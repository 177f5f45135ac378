"""A beneficiary's personal objectives in a pathway (3 or 4, in their own words), self-rated at the start,
during and at the end (services/programme/evaluation.py).
Once rated during the pathway, the objectives are fixed."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Beneficiary, Pathway, PersonalCriterion, Role
from badges.services.programme import evaluation
from badges.services.shared.errors import Conflict, InvalidInput
from badges.services.shared.validation import LEVELS
from badges.web.context import now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.beneficiaries import person_of
from badges.web.staff.forms import commit_and_redirect, invalid
from badges.web.staff.labels import friendly
from badges.web.staff.pathways import pathway_of

PAGE = "staff/programme/objectives.html"
ROWS = 4  # the form offers four objectives; three are required (the service says so if fewer are given)


def _subject(pathway_id: str, beneficiary_id: str) -> tuple[Pathway, Beneficiary, list[PersonalCriterion]]:
    """The pathway and the person of this tiers-lieu, the person enrolled in it (404 otherwise)."""
    found, person = pathway_of(pathway_id), person_of(beneficiary_id)
    return found, person, evaluation.criteria_of(get_session(), pathway=found, beneficiary=person)


def _page(
    found: Pathway, person: Beneficiary, criteria: list[PersonalCriterion], **form: dict[str, str]
) -> dict[str, Any]:
    """The page's context: the objectives with their ratings, and what was typed in either form."""
    rows = [{"text": c.text, "start": c.rating_start, "during": c.rating_during, "end": c.rating_end}
            for c in criteria]  # fmt: skip
    typed = form.get("typed") or {
        **{f"text_{c.position}": c.text for c in criteria},
        **{f"rating_{c.position}": c.rating_start for c in criteria},
    }
    return {
        "pathway": {"id": found.public_id, "title": found.title},
        "person": {"id": person.public_id, "name": person.display_name},
        "rows": rows,
        "fixed": any(c.rating_during or c.rating_end for c in criteria),
        "rows_count": ROWS,
        "typed": typed,
        "rated": form.get("rated") or {},
    }


@bp.get("/pathways/<pathway_id>/people/<beneficiary_id>/objectives")
@role_required(Role.STAFF)
def objectives(pathway_id: str, beneficiary_id: str) -> str:
    return render_template(PAGE, errors={}, **_page(*_subject(pathway_id, beneficiary_id)))


def _objectives_submitted() -> tuple[dict[str, str], list[dict[str, str]], list[int]]:
    """What was typed; the filled rows as the service reads them, and their row numbers."""
    typed = {f"{name}_{i}": request.form.get(f"{name}_{i}", "").strip()
             for i in range(1, ROWS + 1) for name in ("text", "rating")}  # fmt: skip
    filled = [i for i in range(1, ROWS + 1) if typed[f"text_{i}"] or typed[f"rating_{i}"]]
    items = [{"text": typed[f"text_{i}"], "rating": typed[f"rating_{i}"]} for i in filled]
    return typed, items, filled


def _row_errors(errors: dict[str, str], filled: list[int], typed: dict[str, str]) -> dict[str, str]:
    """criteria[k].text -> text_<row>; "3 or 4 objectives" goes to the first empty objective."""
    found = {}
    for name, message in errors.items():
        if name.startswith("criteria["):
            index, _dot, field = name[len("criteria[") :].partition("].")
            rating = field == "rating"
            found[f"{field}_{filled[int(index)]}"] = _("Choisissez sa note au début.") if rating else message
        else:
            empty = next((i for i in range(1, ROWS + 1) if not typed[f"text_{i}"]), 1)
            found[f"text_{empty}"] = message
    return found


@bp.post("/pathways/<pathway_id>/people/<beneficiary_id>/objectives")
@role_required(Role.STAFF)
def objectives_set(pathway_id: str, beneficiary_id: str) -> Response | tuple[str, int]:
    found, person, criteria = _subject(pathway_id, beneficiary_id)
    typed, items, filled = _objectives_submitted()
    try:
        evaluation.set_criteria(
            get_session(), pathway=found, beneficiary=person, data={"criteria": items}, now=now()
        )
    except Conflict as exc:
        return invalid(PAGE, {"objectives": say_error(exc)}, **_page(found, person, criteria))
    except InvalidInput as exc:
        errors = _row_errors(say_fields(exc), filled, typed)
        return invalid(PAGE, errors, **_page(found, person, criteria, typed=typed))
    message = _("Les objectifs de %(name)s sont enregistrés.", name=person.display_name)
    return commit_and_redirect(
        message, "staff.objectives", pathway_id=pathway_id, beneficiary_id=beneficiary_id
    )


@bp.post("/pathways/<pathway_id>/people/<beneficiary_id>/objectives/ratings")
@role_required(Role.STAFF)
def objectives_rate(pathway_id: str, beneficiary_id: str) -> Response | tuple[str, int]:
    found, person, criteria = _subject(pathway_id, beneficiary_id)
    if not criteria:
        message = _("Fixez d’abord ses objectifs, puis notez-les.")
        return invalid(PAGE, {"objectives": message}, **_page(found, person, criteria))
    rated = {name: request.form.get(name, "").strip()
             for name in ["moment", *(f"rate_{c.position}" for c in criteria)]}  # fmt: skip
    ratings = [rated[f"rate_{c.position}"] for c in criteria]
    data = {"moment": rated["moment"], "ratings": ratings}
    try:
        evaluation.rate_criteria(get_session(), pathway=found, beneficiary=person, data=data, now=now())
    except InvalidInput as exc:
        errors = friendly({k: v for k, v in say_fields(exc).items() if k == "moment"})
        missing = [c.position for c in criteria if rated[f"rate_{c.position}"] not in LEVELS]
        errors.update({f"rate_{i}": _("Choisissez sa note pour cet objectif.") for i in missing})
        return invalid(PAGE, errors, **_page(found, person, criteria, rated=rated))
    message = _("Les notes de %(name)s sont enregistrées.", name=person.display_name)
    return commit_and_redirect(
        message, "staff.objectives", pathway_id=pathway_id, beneficiary_id=beneficiary_id
    )
