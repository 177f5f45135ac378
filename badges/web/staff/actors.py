"""The directory of local resource actors: read by every staff member of the network, written by the
tiers-lieu that added an entry and by the coordination (services/programme/actors.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import ResourceActor, Role
from badges.services.programme import actors, outcome_listing
from badges.services.shared.errors import InvalidInput
from badges.services.shared.validation import DEPARTMENT_RE
from badges.web.context import now
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.identity import signed_in
from badges.web.staff.labels import options

FORM = "staff/outcome/actor_form.html"
ACTOR_KINDS = {
    "ccas": _l("CCAS (centre communal d’action sociale)"),
    "association": _l("Association"),
    "formation": _l("Organisme de formation"),
    "pix": _l("Centre de certification Pix"),
    "france_travail": _l("Agence France Travail"),
    "autre": _l("Autre"),
}


def kind_labels() -> dict[str, str]:
    return {key: str(label) for key, label in ACTOR_KINDS.items()}


def _form(form: Mapping[str, object], actor: ResourceActor | None, errors: dict[str, str]) -> Any:
    context = {"form": form, "actor": actor, "kinds": options(ACTOR_KINDS)}
    if errors:
        if "kind" in errors:
            errors = {**errors, "kind": _("Choisissez le type d’acteur.")}
        return invalid(FORM, errors, **context)
    return render_template(FORM, errors={}, **context)


@bp.get("/actors")
@role_required(Role.STAFF, Role.COORDINATOR)
def actors_list() -> str:
    """The network's directory; `?departement=94&type=ccas` narrows it (the user's department first)."""
    user, session = signed_in(), get_session()
    department = request.args.get("departement", "").strip()
    kind = request.args.get("type", "").strip()
    department = department if DEPARTMENT_RE.match(department) else ""
    kind = kind if kind in actors.KINDS else ""
    home = user.issuer.department if user.issuer else None
    found = actors.directory(session, department=department or home, kind=kind or None)
    if department:
        found = [a for a in found if a.department == department]
    rows = [{**outcome_listing.actor_item(a), "editable": actors.may_edit(user, a)} for a in found]
    return render_template(
        "staff/outcome/actors.html",
        actors=rows,
        kinds=options(ACTOR_KINDS),
        kind_labels=kind_labels(),
        chosen={"departement": department, "type": kind},
    )


@bp.route("/actors/new", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.COORDINATOR)
def actor_new() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        user = signed_in()
        return _form({"department": user.issuer.department if user.issuer else ""}, None, {})
    data = values(*actors.FIELDS)
    try:
        actors.create_actor(get_session(), by=signed_in(), data=data, now=now())
    except InvalidInput as exc:
        return _form(data, None, say_fields(exc))
    return commit_and_redirect(_("L’acteur « %(name)s » est ajouté à l’annuaire.", name=data["name"]),
                               "staff.actors_list")  # fmt: skip


@bp.route("/actors/<actor_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF, Role.COORDINATOR)
def actor_edit(actor_id: str) -> Response | str | tuple[str, int]:
    """Only the owner's team and the coordination: another tiers-lieu's staff reads it, and gets 403 here."""
    session, user = get_session(), signed_in()
    found = actors.actor_by_id(session, actor_id)
    if not actors.may_edit(user, found):
        raise Forbidden()
    if request.method == "GET":
        return _form(outcome_listing.actor_item(found), found, {})
    data = values(*actors.FIELDS)
    try:
        actors.update_actor(session, by=user, actor=found, data=data, now=now())
    except InvalidInput as exc:
        return _form(data, found, say_fields(exc))
    return commit_and_redirect(_("L’annuaire est enregistré."), "staff.actors_list")
