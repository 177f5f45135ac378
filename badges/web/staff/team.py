"""The coordination disables an account of a tiers-lieu team or of a partner agency."""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Role, User
from badges.services.accounts import staff_accounts
from badges.web.context import now
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.forms import commit_and_redirect


def _back(user: User) -> tuple[str, dict[str, str]]:
    """The page the account is listed on: its tiers-lieu or its agency."""
    if user.issuer is not None:
        return "staff.network_place", {"slug": user.issuer.slug}
    if user.agency is not None:
        return "staff.partner_agency", {"agency_id": user.agency.public_id}
    return "staff.network_list", {}


@bp.post("/accounts/<account_id>/disable")
@role_required(Role.COORDINATOR)
def account_disable(account_id: str) -> Response:
    """Its sessions end and its API tokens stop at once; it can no longer sign in."""
    user = staff_accounts.team_member(get_session(), account_id)
    staff_accounts.disable(get_session(), user=user, now=now())
    endpoint, values = _back(user)
    message = _("Le compte de %(name)s est désactivé : ses sessions sont fermées.", name=user.name)
    return commit_and_redirect(message, endpoint, **values)
