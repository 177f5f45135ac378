"""Partner agencies (France Travail and others) for the coordination: create one, invite its counsellors.

Only the coordination invites counsellors: a counsellor reads the beneficiaries that every tiers-lieu's
pathways refer from the agency, so letting one tiers-lieu's team make such accounts would open the others'
data to it.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Agency, Role
from badges.services.accounts import network, staff_accounts
from badges.services.programme import pathways
from badges.services.shared.errors import InvalidInput
from badges.web import job_status
from badges.web.context import now
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.forms import invalid, values
from badges.web.staff.identity import signed_in
from badges.web.staff.network import invitation_errors, send_invitation

NEW_PAGE = "staff/agencies/new.html"
DETAIL_PAGE = "staff/agencies/detail.html"


def _person(form: dict[str, str]) -> dict[str, str]:
    return {"name": form["person_name"], "email": form["person_email"], "role": Role.COUNSELLOR.value}


@bp.get("/agencies")
@role_required(Role.COORDINATOR)
def partner_agencies() -> str:
    return render_template("staff/agencies/list.html", agencies=network.agencies(get_session()))


@bp.route("/agencies/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def partner_agency_new() -> Response | str | tuple[str, int]:
    """A new agency and, if given, its first counsellor (invited by e-mail once everything is saved)."""
    if request.method == "GET":
        return render_template(NEW_PAGE, form={}, errors={})
    form = values("name", "department", "person_name", "person_email")
    person = _person(form) if form["person_name"] or form["person_email"] else None
    errors = invitation_errors(person, "person") if person else {}
    session = get_session()
    try:
        agency = pathways.create_agency(
            session, by=signed_in(), data={"name": form["name"], "department": form["department"]}, now=now()
        )
    except InvalidInput as exc:
        errors = {**say_fields(exc), **errors}
    if errors:
        return invalid(NEW_PAGE, errors, form=form)
    session.flush()
    user = (
        staff_accounts.invite(session, data=person, issuer=None, agency=agency, now=now()) if person else None
    )
    session.commit()
    flash(_("L’agence « %(name)s » est créée.", name=agency.name), "success")
    if user is not None:
        send_invitation(user)
    return redirect(url_for("staff.partner_agency", agency_id=agency.public_id), 303)


def _detail(agency: Agency, form: dict[str, str], errors: dict[str, str]) -> str | tuple[str, int]:
    detail = network.agency_detail(get_session(), agency)
    sent = job_status.invitations(detail["team"])
    if errors:
        return invalid(DETAIL_PAGE, errors, agency=detail, form=form, invitations=sent)
    return render_template(DETAIL_PAGE, agency=detail, form=form, errors={}, invitations=sent)


@bp.get("/agencies/<agency_id>")
@role_required(Role.COORDINATOR)
def partner_agency(agency_id: str) -> str | tuple[str, int]:
    return _detail(network.agency(get_session(), agency_id), {}, {})


@bp.post("/agencies/<agency_id>/invite")
@role_required(Role.COORDINATOR)
def partner_agency_invite(agency_id: str) -> Response | str | tuple[str, int]:
    """Invite a counsellor of this agency (again, if they have not chosen a password yet)."""
    session = get_session()
    agency = network.agency(session, agency_id)
    form = values("person_name", "person_email")
    try:
        user = staff_accounts.invite(session, data=_person(form), issuer=None, agency=agency, now=now())
    except InvalidInput as exc:
        return _detail(agency, form, {f"person_{name}": message for name, message in say_fields(exc).items()})
    session.commit()
    send_invitation(user)
    return redirect(url_for("staff.partner_agency", agency_id=agency_id), 303)
