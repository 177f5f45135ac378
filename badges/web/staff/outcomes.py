"""The end of a pathway, for its tiers-lieu's team: each participant's outcome, written with them, and
closing the pathway, which sends the partners their questionnaires (services/programme/outcomes.py,
closing.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Beneficiary, Pathway, Role
from badges.services.programme import actors, beneficiaries, closing, outcome_listing, outcomes, pathways
from badges.services.programme.questionnaire_mail import questionnaire_email
from badges.services.shared import mail
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from badges.web.context import link_secret, links, mail_settings, now
from badges.web.files import file_response
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.actors import kind_labels
from badges.web.staff.forms import commit_and_redirect, confirmed, invalid
from badges.web.staff.identity import signed_in
from badges.web.staff.pathways import pathway_of

log = logging.getLogger(__name__)
END = "staff/outcome/end.html"
FORM = "staff/outcome/outcome_form.html"


def questionnaire_url(token: str) -> str:
    return links().base + url_for("public.questionnaire", token=token)


def _end(found: Pathway) -> dict[str, Any]:
    ending = outcome_listing.pathway_end(get_session(), found, secret=link_secret())
    urls = {q["token"]: questionnaire_url(q["token"]) for q in ending["questionnaires"]}
    return {"ending": ending, "urls": urls}


@bp.get("/pathways/<pathway_id>/end")
@role_required(Role.STAFF)
def pathway_end(pathway_id: str) -> str:
    return render_template(END, errors={}, **_end(pathway_of(pathway_id)))


def _send(invitations: list[closing.Invitation], pathway: Pathway) -> int:
    """E-mail each link that has an address, when a mail server is set; how many left."""
    sent = 0
    for invitation in invitations:
        if invitation.email is None or not mail_settings().host:
            continue
        email = questionnaire_email(invitation, pathway, questionnaire_url(invitation.token))
        try:
            sent += mail.send(mail_settings(), email)
        except mail.MailError:
            log.warning("questionnaire e-mail for pathway %s not sent", pathway.public_id)
    return sent


@bp.post("/pathways/<pathway_id>/close")
@role_required(Role.STAFF)
def pathway_close(pathway_id: str) -> Response | str | tuple[str, int]:
    """Two steps: the form asks to confirm (confirm=yes); then the pathway closes once and for all."""
    found, session = pathway_of(pathway_id), get_session()
    if not confirmed():
        return invalid(
            END, {"confirm": _("Cochez la case pour confirmer la clôture du parcours.")}, **_end(found)
        )
    try:
        invitations = closing.close_pathway(
            session, pathway=found, by=signed_in(), secret=link_secret(), now=now()
        )
    except Conflict as exc:
        return invalid(END, {"confirm": say_error(exc)}, **_end(found))
    session.commit()
    sent = _send(invitations, found)
    message = _("Le parcours est clos. Les questionnaires sont prêts.")
    if sent:
        message += " " + _("%(num)s questionnaire(s) envoyé(s) par e-mail.", num=sent)
    else:
        message += " " + _("Donnez les liens ci-dessous aux partenaires.")
    flash(message, "success")
    return redirect(url_for("staff.pathway_end", pathway_id=pathway_id), 303)


def _person(beneficiary_id: str) -> Beneficiary:
    return beneficiaries.for_issuer(get_session(), issuer=own_issuer(), public_id=beneficiary_id)


def _form(found: Pathway, person: Beneficiary, form: Mapping[str, object], errors: dict[str, str]) -> Any:
    session = get_session()
    home = found.issuer.department
    directory = [outcome_listing.actor_item(a) for a in actors.directory(session, department=home)]
    context = {
        "pathway": found,
        "person": person,
        "form": form,
        "skills": outcome_listing.skill_choices(session, person),
        "directory": directory,
        "kind_labels": kind_labels(),
    }
    if errors:
        return invalid(FORM, errors, **context)
    return render_template(FORM, errors={}, **context)


@bp.route("/pathways/<pathway_id>/people/<beneficiary_id>/outcome", methods=["GET", "POST"])
@role_required(Role.STAFF)
def outcome(pathway_id: str, beneficiary_id: str) -> Response | str | tuple[str, int]:
    found = pathway_of(pathway_id)
    person = _person(beneficiary_id)
    session = get_session()
    if request.method == "GET":
        if not pathways.is_enrolled(session, found, person):
            raise NotFound(pathways.NOT_ENROLLED)
        form = outcome_listing.form_of(outcomes.outcome_of(session, found, person))
        return _form(found, person, form, {})
    data = {
        "next_project": request.form.get("next_project", "").strip(),
        "skills": request.form.getlist("skills"),
        "orientations": request.form.getlist("orientations"),
        "shared": request.form.get("shared") == "yes",
    }
    try:
        outcomes.save_outcome(session, pathway=found, person=person, data=data, now=now())
    except InvalidInput as exc:
        return _form(found, person, data, say_fields(exc))
    return commit_and_redirect(
        _("La suite du parcours de %(name)s est enregistrée.", name=person.display_name),
        "staff.pathway_end",
        pathway_id=pathway_id,
    )


@bp.get("/beneficiaries/<beneficiary_id>/outcomes.json")
@role_required(Role.STAFF)
def beneficiary_outcomes_export(beneficiary_id: str) -> FlaskResponse:
    """The person's end-of-pathway outcomes, for their access request (GDPR art. 15), as a JSON file."""
    person = _person(beneficiary_id)
    body = json.dumps(
        {"person": person.display_name, "outcomes": outcome_listing.personal_data(get_session(), person)},
        ensure_ascii=False,
        indent=2,
    )
    return file_response(body, "application/json", f"suites-de-parcours-{person.public_id}.json")
