"""Ateliers: the calendar-like list (week or month), create and edit, attendance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Atelier, Pathway, Role
from badges.services.holders import award_listing
from badges.services.programme import evaluation, pathways, programme_listing, ressenti_listing
from badges.services.programme.awarding import Issuing, Outcome
from badges.services.shared.errors import InvalidInput
from badges.web.context import keyring, links, now, today
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.labels import friendly
from badges.web.staff.pathways import pathway_of

FORM = "staff/programme/atelier_form.html"
PAGE = "staff/programme/atelier.html"


def atelier_of(atelier_id: str) -> Atelier:
    """An atelier of the signed-in member's tiers-lieu; another's is 404."""
    return pathways.atelier_in_scope(get_session(), atelier_id, [own_issuer().id])


def issuing() -> Issuing:
    return Issuing(keyring(), links(), now())


def outcome_message(outcome: Outcome) -> str:
    """What a save did to badges, said in one sentence (announced in the page's live region)."""
    parts = []
    if outcome.issued:
        names = ", ".join(
            f"{c.badge_class.name} ({c.beneficiary.display_name})" for c in outcome.issued if c.beneficiary
        )
        parts.append(
            ngettext("%(num)s badge délivré", "%(num)s badges délivrés", len(outcome.issued)) + f" : {names}."
        )
    if outcome.pending:
        parts.append(
            ngettext(
                "%(num)s badge attend l’accord de la personne.",
                "%(num)s badges attendent l’accord des personnes.",
                len(outcome.pending),
            )
        )
    if outcome.flags:
        # One flag per lowered competence: a badge resting on two of them is still one badge to review.
        flagged = len({flag.credential.id for flag in outcome.flags})
        parts.append(ngettext("%(num)s badge est à revoir.", "%(num)s badges sont à revoir.", flagged))
    return " ".join(parts)


@bp.get("/ateliers")
@role_required(Role.STAFF)
def ateliers() -> str:
    """`?vue=semaine|mois&date=AAAA-MM-JJ`: the week (default) or month holding that day."""
    view = request.args.get("vue", "semaine")
    view = view if view in programme_listing.VIEWS else "semaine"
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = today()
    start, end, before, after = programme_listing.period_of_view(view, day)
    days = programme_listing.calendar(get_session(), issuer=own_issuer(), start=start, end=end)
    context = {"view": view, "start": start, "end": end, "before": before, "after": after}
    return render_template("staff/programme/calendar.html", days=days, **context)


def _submitted() -> dict[str, Any]:
    data: dict[str, Any] = values("title", "held_on", "duration_minutes")
    data["competencies"] = request.form.getlist("competencies")
    return data


def _form(
    form: Mapping[str, object], pathway: Pathway, atelier: Atelier | None, errors: dict[str, str]
) -> Any:
    session = get_session()
    choices = programme_listing.competence_choices(session)
    badges = programme_listing.pathway_badges(session, pathway)
    context = {"form": form, "pathway": pathway, "atelier": atelier, "choices": choices, "badges": badges}
    if errors:
        return invalid(FORM, friendly(errors), **context)
    return render_template(FORM, errors={}, **context)


@bp.route("/pathways/<pathway_id>/ateliers/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def atelier_new(pathway_id: str) -> Response | str | tuple[str, int]:
    found = pathway_of(pathway_id)
    if request.method == "GET":
        return _form({"competencies": [], "duration_minutes": "120"}, found, None, {})
    data = _submitted()
    try:
        atelier = pathways.create_atelier(get_session(), pathway=found, data=data, now=now())
        get_session().flush()
    except InvalidInput as exc:
        return _form(data, found, None, say_fields(exc))
    return commit_and_redirect(_("L’atelier est créé."), "staff.atelier", atelier_id=atelier.public_id)


def _page(found: Atelier) -> dict[str, Any]:
    """The atelier, who came, and the group's badges with their certificate (hand them over from here)."""
    people = [enrolment.beneficiary_id for enrolment in found.pathway.enrolments]
    awards = award_listing.group_awards(get_session(), issuer=own_issuer(), beneficiary_ids=people, now=now())
    return {
        "atelier": programme_listing.atelier_detail(get_session(), found),
        "awards": awards,
        "ressenti": ressenti_listing.group_summary(get_session(), found),
        "to_review": ressenti_listing.to_review(get_session(), found),
    }


@bp.get("/ateliers/<atelier_id>")
@role_required(Role.STAFF)
def atelier(atelier_id: str) -> str:
    return render_template(PAGE, errors={}, **_page(atelier_of(atelier_id)))


@bp.route("/ateliers/<atelier_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def atelier_edit(atelier_id: str) -> Response | str | tuple[str, int]:
    found = atelier_of(atelier_id)
    if request.method == "GET":
        return _form(programme_listing.atelier_form(found), found.pathway, found, {})
    data = _submitted()
    try:
        pathways.update_atelier(get_session(), atelier=found, data=data)
    except InvalidInput as exc:
        return _form(data, found.pathway, found, say_fields(exc))
    return commit_and_redirect(_("L’atelier est enregistré."), "staff.atelier", atelier_id=atelier_id)


@bp.post("/ateliers/<atelier_id>/attendance")
@role_required(Role.STAFF)
def atelier_attendance(atelier_id: str) -> Response | tuple[str, int]:
    """Who came: one checkbox per enrolled person; a minimum-attendance badge may be issued at once."""
    found, session = atelier_of(atelier_id), get_session()
    people = programme_listing.atelier_detail(session, found)["attendance"]
    present = set(request.form.getlist("present"))
    data = {"attendance": [{"beneficiary": p["id"], "present": p["id"] in present} for p in people]}
    try:
        _people, outcome = evaluation.record_attendance_and_award(
            session, issuing(), atelier=found, data=data
        )
    except InvalidInput:
        message = _("Inscrivez d’abord des personnes au parcours.")
        return invalid(PAGE, {"present": message}, **_page(found))
    message = " ".join(filter(None, [_("Les présences sont enregistrées."), outcome_message(outcome)]))
    return commit_and_redirect(message, "staff.atelier", atelier_id=atelier_id)
