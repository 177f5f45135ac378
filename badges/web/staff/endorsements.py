"""Endorsements (issue 16): the coordination vouches for the network, a counsellor for their agency.

It is a counsellor's only write. Staff of a tiers-lieu do not endorse (their own work least of all).
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Role
from badges.services.credentials import endorsement_listing, endorsements
from badges.services.credentials.endorsements import EndorserSettings
from badges.services.shared.errors import InvalidInput
from badges.web.context import keyring, links, now
from badges.web.i18n import say_fields
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.identity import signed_in

PAGE = "staff/endorsements/list.html"


def _page(form: dict[str, str], errors: dict[str, str]) -> dict[str, object]:
    session = get_session()
    return {
        "form": form,
        "errors": errors,
        "options": [(t.value, _label(t)) for t in endorsement_listing.targets(session)],
        "given": endorsement_listing.given(session, signed_in()),
        "may_endorse": endorsements.may_endorse(signed_in()),
    }


def _label(target: endorsement_listing.TargetOption) -> str:
    if target.kind == "issuer":
        return _("Tiers-lieu : %(name)s", name=target.name)
    return _("Badge : %(name)s (%(place)s)", name=target.name, place=target.place)


@bp.route("/endorsements", methods=["GET", "POST"])
@role_required(Role.COORDINATOR, Role.COUNSELLOR)
def endorsements_page() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template(PAGE, **_page({}, {}))
    form = values("target", "comment")
    kind, _sep, target_id = form["target"].partition(":")
    config = current_app.config
    try:
        endorsements.endorse(
            get_session(),
            keyring(),
            actor=signed_in(),
            data={"target": kind or None, "id": target_id, "comment": form["comment"]},
            settings=EndorserSettings(network_name=config["NETWORK_NAME"], email=config["MAIL_SENDER"]),
            links=links(),
            now=now(),
        )
    except InvalidInput as exc:
        said = say_fields(exc)
        # The form has one choice for both: the kind and the id are the same field on screen.
        choice = said.pop("id", None)
        if said.pop("target", None) is not None:
            choice = _("Choisissez dans la liste ce que vous recommandez.")
        errors = {**said, **({"target": choice} if choice else {})}
        return invalid(PAGE, errors, **{k: v for k, v in _page(form, errors).items() if k != "errors"})
    return commit_and_redirect(_("La recommandation est signée et publiée."), "staff.endorsements_page")


@bp.post("/endorsements/<endorsement_id>/withdraw")
@role_required(Role.COORDINATOR, Role.COUNSELLOR)
def endorsement_withdraw(endorsement_id: str) -> Response:
    endorsements.withdraw(
        get_session(), keyring(), actor=signed_in(), public_id=endorsement_id, links=links(), now=now()
    )
    return commit_and_redirect(_("La recommandation est retirée."), "staff.endorsements_page")
