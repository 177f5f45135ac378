"""My account: who I am for the service, and changing my password."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.services.accounts import staff_accounts
from badges.services.shared.errors import InvalidInput, TooManyAttempts
from badges.web.context import client_ip, now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import login_required
from badges.web.staff.forms import commit_and_redirect
from badges.web.staff.identity import sign_in, signed_in

PAGE = "staff/account.html"


def _page() -> dict[str, str]:
    user = signed_in()
    return {"email": user.email}


@bp.get("/account")
@login_required
def account() -> str:
    return render_template(PAGE, errors={}, **_page())


@bp.post("/account/password")
@login_required
def change_password() -> Response | str | tuple[str, int]:
    user, session = signed_in(), get_session()
    try:
        staff_accounts.begin_password_change(session, user=user, ip=client_ip(), now=now())
    except TooManyAttempts as exc:
        return render_template(PAGE, errors={"form": say_error(exc)}, **_page()), 429
    session.commit()  # counted before the current password is checked, as at sign-in
    try:
        staff_accounts.change_password(
            session,
            user=user,
            current=request.form.get("current", ""),
            password=request.form.get("password"),
            confirm=request.form.get("confirm"),
            now=now(),
        )
    except InvalidInput as exc:
        session.commit()  # a right current password clears the count, even if the new one is refused
        return render_template(PAGE, errors=say_fields(exc), **_page()), 422
    sign_in(user)  # every session ended with the change; this browser gets a new one
    return commit_and_redirect(
        _("Votre mot de passe est changé. Vos autres sessions sont fermées."), "staff.account"
    )
