"""Sharing a badge class with the network, from its staff page: share it, or stop sharing it.

Only the creator's staff reach a class here (badge_classes.for_issuer: another's class is 404); the
classes other tiers-lieux share are listed on the catalogue page and awarded from a beneficiary's file.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Role
from badges.services.programme import badge_class_listing, badge_classes, shared_classes
from badges.services.shared.errors import InvalidInput
from badges.web.context import links, now
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, invalid

DETAIL = "staff/badge_classes/detail.html"


@bp.post("/badge-classes/<badge_class_id>/share")
@role_required(Role.STAFF)
def badge_class_share(badge_class_id: str) -> Response | tuple[str, int]:
    session = get_session()
    badge = badge_classes.for_issuer(session, issuer=own_issuer(), public_id=badge_class_id)
    action = request.form.get("action", "")
    try:
        if action == "share":
            shared_classes.share(session, badge=badge, now=now())
            said = _("Le badge est partagé : les autres tiers-lieux du réseau peuvent le délivrer.")
        elif action == "stop":
            shared_classes.stop_sharing(badge)
            said = _(
                "Le badge n’est plus partagé. "
                "Les badges déjà délivrés par les autres tiers-lieux restent valides."
            )
        else:
            raise InvalidInput({"shared": shared_classes.CHOOSE_ACTION})
    except InvalidInput as exc:
        errors = say_fields(exc)
        detail = badge_class_listing.class_detail(session, badge, links())
        return invalid(DETAIL, errors, badge=detail, shared=badge.shared_at is not None)
    return commit_and_redirect(said, "staff.badge_class", badge_class_id=badge.public_id)
