"""Pathways (parcours) of the tiers-lieu: list, create, edit, detail with its ateliers, enrolments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Pathway, Role
from badges.services.programme import beneficiaries, pathways, programme_listing, ressenti_listing
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from badges.web.context import now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.labels import friendly

FORM = "staff/programme/pathway_form.html"
FIELDS = ("title", "type", "category", "start_date", "end_date", "agency", "counsellor", "budget")


def pathway_of(pathway_id: str) -> Pathway:
    """A pathway of the signed-in member's tiers-lieu; another's is 404."""
    return pathways.pathway_in_scope(get_session(), pathway_id, [own_issuer().id])


def _submitted() -> dict[str, Any]:
    """The form as the service reads it: empty choices are "none", badge classes a list of ids."""
    data: dict[str, Any] = values(*FIELDS)
    for name in ("agency", "counsellor", "end_date"):
        data[name] = data[name] or None
    data["badge_classes"] = request.form.getlist("badge_classes")
    return data


def _form(
    form: Mapping[str, object], pathway: Pathway | None, errors: dict[str, str]
) -> tuple[str, int] | str:
    choices = programme_listing.pathway_choices(get_session(), issuer=own_issuer())
    context = {"form": form, "pathway": pathway, "choices": choices}
    if errors:
        return invalid(FORM, friendly(errors), **context)
    return render_template(FORM, errors={}, **context)


@bp.get("/pathways")
@role_required(Role.STAFF)
def pathways_list() -> str:
    rows = programme_listing.pathway_list(get_session(), issuer=own_issuer())
    return render_template("staff/programme/pathways.html", pathways=rows)


@bp.route("/pathways/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def pathway_new() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return _form({"badge_classes": []}, None, {})
    data = _submitted()
    try:
        pathway = pathways.create_pathway(get_session(), issuer=own_issuer(), data=data, now=now())
        get_session().flush()
    except InvalidInput as exc:
        return _form(data, None, say_fields(exc))
    return commit_and_redirect(_("Le parcours est créé."), "staff.pathway", pathway_id=pathway.public_id)


@bp.get("/pathways/<pathway_id>")
@role_required(Role.STAFF)
def pathway(pathway_id: str) -> str:
    found = pathway_of(pathway_id)
    detail = programme_listing.pathway_detail(get_session(), found)
    timeline = ressenti_listing.pathway_timeline(get_session(), found)
    return render_template("staff/programme/pathway.html", pathway=detail, ressenti_timeline=timeline)


@bp.route("/pathways/<pathway_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def pathway_edit(pathway_id: str) -> Response | str | tuple[str, int]:
    found = pathway_of(pathway_id)
    if request.method == "GET":
        return _form(programme_listing.pathway_form(found), found, {})
    data = _submitted()
    try:
        pathways.update_pathway(get_session(), pathway=found, data=data)
    except InvalidInput as exc:
        return _form(data, found, say_fields(exc))
    return commit_and_redirect(_("Le parcours est enregistré."), "staff.pathway", pathway_id=pathway_id)


@bp.post("/pathways/<pathway_id>/enrol")
@role_required(Role.STAFF)
def pathway_enrol(pathway_id: str) -> Response | tuple[str, int]:
    """Enrol one of the tiers-lieu's beneficiaries in the pathway."""
    found, session = pathway_of(pathway_id), get_session()
    chosen = request.form.get("beneficiary", "")
    try:
        person = beneficiaries.for_issuer(session, issuer=own_issuer(), public_id=chosen)
        pathways.enrol(session, pathway=found, beneficiary=person, now=now())
    except (NotFound, Conflict) as exc:
        message = _("Choisissez une personne à inscrire.") if not chosen else say_error(exc)
        detail = programme_listing.pathway_detail(session, found)
        return invalid("staff/programme/pathway.html", {"beneficiary": message}, pathway=detail)
    flash(_("%(name)s est inscrit(e) au parcours.", name=person.display_name), "success")
    session.commit()
    return redirect(url_for("staff.pathway", pathway_id=pathway_id), 303)
