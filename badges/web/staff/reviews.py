"""Review flags: a later evaluation lowered a result behind an issued badge; staff look and decide.

The badge stays valid whatever happens here: revoking it is a separate, deliberate step (the award's
revoke screen), because a lower result on one day is not proof that the skill was never there.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import ReviewFlag, Role
from badges.services.programme import reviews
from badges.services.shared.errors import Conflict, InvalidInput
from badges.web.context import now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, invalid
from badges.web.staff.identity import signed_in

RESOLVE_PAGE = "staff/reviews/resolve.html"


def _flag(flag_id: str) -> ReviewFlag:
    """A flag on one of the tiers-lieu's awards; another tiers-lieu's flag is 404."""
    return reviews.flag_in_scope(get_session(), flag_id, [own_issuer().id])


@bp.get("/flags")
@role_required(Role.STAFF)
def flags() -> str:
    """Flags to review (oldest first); `?vus=1` lists those already reviewed."""
    resolved = request.args.get("vus") == "1"
    found = reviews.flags_of(get_session(), issuer_id=own_issuer().id, resolved=resolved)
    rows = [reviews.flag_row(flag) for flag in found]
    return render_template("staff/reviews/list.html", rows=rows, resolved=resolved)


@bp.route("/flags/<flag_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def flag_resolve(flag_id: str) -> Response | str | tuple[str, int]:
    """Mark the flag as reviewed, with an optional note saying what was decided."""
    flag = _flag(flag_id)
    row = reviews.flag_row(flag)
    if request.method == "GET":
        return render_template(RESOLVE_PAGE, flag=row, note="", errors={})
    note = request.form.get("note", "")
    try:
        reviews.resolve(flag, by=signed_in(), data={"note": note}, now=now())
    except InvalidInput as exc:
        return invalid(RESOLVE_PAGE, say_fields(exc), flag=row, note=note)
    except Conflict as exc:
        flash(say_error(exc), "info")
        return redirect(url_for("staff.flag_resolve", flag_id=flag_id), 303)
    return commit_and_redirect(_("Le signalement est traité. Le badge reste valide."), "staff.flags")
