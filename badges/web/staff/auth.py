"""Signing in and out, forgotten passwords, and invitations: the staff pages open without an account."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import mail as mail_jobs
from badges.models import User
from badges.services.accounts import staff_accounts
from badges.services.accounts.staff_accounts import LinkRefused, SignInRefused
from badges.services.shared import throttling
from badges.services.shared.errors import InvalidInput, TooManyAttempts
from badges.services.shared.validation import EMAIL_RE
from badges.web.context import client_ip, now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp, mailer
from badges.web.staff.access import login_required, public_route, safe_next
from badges.web.staff.forms import invalid, values
from badges.web.staff.identity import current_user, sign_in, sign_out

LOGIN_PAGE = "staff/auth/login.html"
FORGOT_PAGE = "staff/auth/forgot.html"
PASSWORD_PAGE = "staff/auth/password.html"


def secret() -> str:
    return str(current_app.config["SECRET_KEY"])


@bp.route("/login", methods=["GET", "POST"])
@public_route
def login() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(url_for("staff.home"))
        return render_template(LOGIN_PAGE, errors={}, form={}, next=safe_next(request.args.get("next")))
    form, target = values("email"), safe_next(request.form.get("next"))
    password, session, email = request.form.get("password", ""), get_session(), form["email"]
    try:
        staff_accounts.begin_sign_in(session, email=email, password=password, ip=client_ip(), now=now())
    except InvalidInput as exc:
        return invalid(LOGIN_PAGE, say_fields(exc), form=form, next=target)
    except TooManyAttempts as exc:
        return render_template(LOGIN_PAGE, errors={"form": say_error(exc)}, form=form, next=target), 429
    session.commit()  # the attempt is counted before the password is checked (and stays if it is wrong)
    try:
        user = staff_accounts.check_credentials(session, email=email, password=password)
    except SignInRefused as exc:
        return render_template(LOGIN_PAGE, errors={"form": say_error(exc)}, form=form, next=target), 422
    sign_in(user)
    session.commit()
    return redirect(target or url_for("staff.home"), 303)


@bp.post("/logout")
@login_required
def logout() -> Response:
    sign_out()
    flash(_("Vous êtes déconnecté(e)."), "success")
    response = redirect(url_for("staff.login"), 303)
    # A shared tablet keeps nothing of the grid drafts typed on it (the server keeps its own draft).
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


def _forgot_errors(email: str) -> dict[str, str]:
    if not email:
        return {"email": _("Indiquez l'adresse e-mail de votre compte.")}
    if not EMAIL_RE.match(email.lower()):
        return {"email": _("Adresse e-mail invalide : elle doit ressembler à nom@exemple.fr.")}
    return {}


@bp.route("/password/forgot", methods=["GET", "POST"])
@public_route
def forgot_password() -> str | tuple[str, int]:
    """The same answer whether the account exists or not: the page tells nobody who has an account."""
    if request.method == "GET":
        return render_template(FORGOT_PAGE, errors={}, form={})
    form = values("email")
    errors = _forgot_errors(form["email"])
    if errors:
        return invalid(FORGOT_PAGE, errors, form=form)
    session, email = get_session(), form["email"].lower()
    if not throttling.reserve(session, kind=throttling.RESET, email=email, ip=client_ip(), now=now()):
        session.commit()  # nothing counted; old attempts pruned, and the write lock is let go at once
        message = _("Trop de demandes de nouveau mot de passe. Attendez 15 minutes avant de recommencer.")
        return render_template(FORGOT_PAGE, errors={"form": message}, form=form), 429
    # Same work whether the account exists or not: one lookup, one job recorded (with no account, the
    # job has nothing to send), one commit. The worker sends the e-mail; this answer never waits for it.
    mail_jobs.queue_reset(session, staff_accounts.find_by_email(session, email))
    session.commit()
    return render_template("staff/auth/forgot_sent.html", email=email, can_send=mailer.can_send())


def _linked_user(token: str, purpose: str) -> User | tuple[str, int]:
    try:
        return staff_accounts.user_for_link(get_session(), secret(), token=token, purpose=purpose, now=now())
    except LinkRefused as exc:
        return render_template("staff/auth/link_refused.html", message=say_error(exc), purpose=purpose), 400


def _choose_password(token: str, purpose: str) -> Response | str | tuple[str, int]:
    """Both links end the same way: choose a password, and you are signed in."""
    user = _linked_user(token, purpose)
    if not isinstance(user, User):
        return user
    page = {"purpose": purpose, "name": user.name, "email": user.email}
    if request.method == "GET":
        return render_template(PASSWORD_PAGE, errors={}, **page)
    password, confirm = request.form.get("password"), request.form.get("confirm")
    try:
        staff_accounts.set_password(get_session(), user=user, password=password, confirm=confirm, now=now())
    except InvalidInput as exc:
        return invalid(PASSWORD_PAGE, say_fields(exc), **page)
    throttling.forget(get_session(), kind=throttling.LOGIN, email=user.email)
    sign_in(user)
    get_session().commit()
    flash(_("Votre mot de passe est enregistré. Vous êtes connecté(e)."), "success")
    return redirect(url_for("staff.home"), 303)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public_route
def reset_password(token: str) -> Response | str | tuple[str, int]:
    return _choose_password(token, staff_accounts.RESET)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public_route
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    return _choose_password(token, staff_accounts.INVITATION)


@bp.after_request
def no_referrer_on_links(response: Response) -> Response:
    """The token of a reset or invitation link must not leak to another site through Referer."""
    if request.endpoint in ("staff.reset_password", "staff.accept_invitation"):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response
