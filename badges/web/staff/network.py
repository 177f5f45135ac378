"""The coordination's screens: every tiers-lieu, a new tiers-lieu, and inviting its team."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import mail as mail_jobs
from badges.models import Role, User
from badges.services.accounts import network, staff_accounts
from badges.services.credentials import issuers
from badges.services.shared.errors import InvalidInput
from badges.web import job_status
from badges.web.context import keyring, links, now
from badges.web.i18n import say_fields
from badges.web.staff import bp, mailer
from badges.web.staff.access import role_required
from badges.web.staff.forms import invalid, values

PLACE_FIELDS = ("slug", "name", "url", "email", "department", "description")
NEW_PAGE = "staff/network/new.html"
DETAIL_PAGE = "staff/network/detail.html"
# The flash category of a link to hand over by hand (staff/layout.html shows it under the message before).
HANDOVER = "handover"


@bp.get("/network")
@role_required(Role.COORDINATOR)
def network_list() -> str:
    return render_template("staff/network/list.html", places=network.overview(get_session()))


def _person(form: dict[str, str]) -> dict[str, str]:
    return {"name": form["staff_name"], "email": form["staff_email"], "role": Role.STAFF.value}


def _new_place_errors(place: dict[str, str], person: dict[str, str] | None) -> dict[str, str]:
    """Every error of the form at once, before anything (keys included) is made."""
    errors: dict[str, str] = {}
    try:
        issuers.validate(dict(place))
    except InvalidInput as exc:
        errors.update(say_fields(exc))
    if person is not None:
        errors.update(invitation_errors(person, "staff"))
    return errors


def invitation_errors(person: dict[str, str], prefix: str) -> dict[str, str]:
    """A new account's invitation checked before anything is made, keyed by the form's `<prefix>_` fields."""
    try:
        staff_accounts.check_invitation(person)
    except InvalidInput as exc:
        return {f"{prefix}_{name}": message for name, message in say_fields(exc).items()}
    if staff_accounts.find_by_email(get_session(), person["email"]):
        return {f"{prefix}_email": _("Un compte existe déjà avec cette adresse.")}
    return {}


@bp.route("/network/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def network_new() -> Response | str | tuple[str, int]:
    """A new tiers-lieu (its keys and status list are made at once) and, if given, its first member."""
    if request.method == "GET":
        return render_template(NEW_PAGE, form={}, errors={})
    form = values(*PLACE_FIELDS, "staff_name", "staff_email")
    place = {name: form[name] for name in PLACE_FIELDS}
    person = _person(form) if form["staff_name"] or form["staff_email"] else None
    errors = _new_place_errors(place, person)
    if errors:
        return invalid(NEW_PAGE, errors, form=form)
    session = get_session()
    try:
        issuer = issuers.create_issuer(session, keyring(), data=dict(place), links=links(), now=now())
    except InvalidInput as exc:
        return invalid(NEW_PAGE, say_fields(exc), form=form)
    user = staff_accounts.invite(session, data=person, issuer=issuer, now=now()) if person else None
    session.commit()
    flash(_("Le tiers-lieu « %(name)s » est créé.", name=issuer.name), "success")
    if user is not None:
        send_invitation(user)
    return redirect(url_for("staff.network_place", slug=issuer.slug), 303)


def send_invitation(user: User) -> None:
    """After the commit that made the account: the invitation is a job (jobs/mail.py), sent by the worker
    and retried while the mail server does not answer; the team list shows where it stands.

    Without a mail server nothing can leave: the coordinator gets the link to hand over, once, in their
    own session's next page, never in a log.
    """
    if mailer.can_send():
        mail_jobs.queue_invitation(get_session(), user)
        get_session().commit()
        flash(_("L'invitation part vers %(email)s : son état s'affiche dans la liste de l'équipe.",
                email=user.email), "success")  # fmt: skip
        return
    url = mailer.invitation_url(user, str(current_app.config["SECRET_KEY"]))
    text = _("Rien n'a été envoyé : aucun serveur d'e-mail n'est configuré. Donnez ce lien à la personne :")
    flash(text, "info")
    flash(url, HANDOVER)


@bp.get("/network/<slug>")
@role_required(Role.COORDINATOR)
def network_place(slug: str) -> str:
    place = network.issuer_detail(get_session(), links(), issuers.by_slug(get_session(), slug))
    sent = job_status.invitations(place["team"])
    return render_template(DETAIL_PAGE, place=place, form={}, errors={}, invitations=sent)


@bp.post("/network/<slug>/invite")
@role_required(Role.COORDINATOR)
def network_invite(slug: str) -> Response | tuple[str, int]:
    """Invite a member of this tiers-lieu's team (again, if they have not answered yet)."""
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    form = values("staff_name", "staff_email")
    try:
        user = staff_accounts.invite(session, data=_person(form), issuer=issuer, now=now())
    except InvalidInput as exc:
        errors = {f"staff_{name}": message for name, message in say_fields(exc).items()}
        place = network.issuer_detail(session, links(), issuer)
        return invalid(DETAIL_PAGE, errors, place=place, form=form)
    session.commit()
    send_invitation(user)
    return redirect(url_for("staff.network_place", slug=slug), 303)
