"""My account: who I am for the service, and changing my password."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.services import staff_accounts
from badges.services.errors import InvalidInput
from badges.services.staff_accounts import Throttled
from badges.web.context import client_ip, now
from badges.web.staff import bp
from badges.web.staff.access import login_required
from badges.web.staff.forms import done
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
    user = signed_in()
    try:
        staff_accounts.change_password(
            get_session(),
            user=user,
            current=request.form.get("current", ""),
            password=request.form.get("password"),
            confirm=request.form.get("confirm"),
            ip=client_ip(),
            now=now(),
        )
    except InvalidInput as exc:
        # A wrong current password is counted towards the throttling limits, whatever else happens.
        get_session().commit()
        return render_template(PAGE, errors=exc.fields, **_page()), 422
    except Throttled as exc:
        return render_template(PAGE, errors={"form": exc.message}, **_page()), 429
    sign_in(user)  # the new password stamp keeps this session, and ends the others
    return done(_("Votre mot de passe est changé. Vos autres sessions sont fermées."), "staff.account")
