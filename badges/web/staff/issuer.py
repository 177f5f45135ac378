"""My tiers-lieu: its public profile, and its signing keys (rotation and compromise, each confirmed)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import keys as jobs_keys
from badges.models import Role, SigningKey
from badges.services.accounts import network
from badges.services.credentials import issuers, signing_keys
from badges.services.shared.errors import InvalidInput, RuleError
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import Fields
from badges.web.context import keyring, links, now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, confirmed, invalid, values
from badges.web.staff.identity import signed_in

SINCE_IN_FUTURE = message("keys.since_in_future", N_("La date ne peut pas être dans le futur."))

PROFILE_FIELDS = ("name", "url", "email", "description")
COMPROMISE_PAGE = "staff/issuer/compromise.html"


def _profile() -> network.IssuerProfile:
    return network.issuer_profile(links(), own_issuer())


@bp.get("/issuer")
@role_required(Role.STAFF)
def issuer() -> str:
    return render_template("staff/issuer/profile.html", issuer=_profile())


@bp.route("/issuer/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def issuer_edit() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("staff/issuer/edit.html", form=_profile(), errors={})
    form = values(*PROFILE_FIELDS)
    try:
        issuers.update_issuer(own_issuer(), data=dict(form))
    except InvalidInput as exc:
        return invalid("staff/issuer/edit.html", say_fields(exc), form=form)
    return commit_and_redirect(_("Le profil du tiers-lieu est enregistré."), "staff.issuer")


def _key_view(key: SigningKey) -> dict[str, Any]:
    state = "compromised" if key.compromised_at else "retired" if key.retired_at else "active"
    return {
        "id": key.public_id,
        "algorithm": key.algorithm,
        "created_at": key.created_at,
        "retired_at": key.retired_at,
        "compromised_at": key.compromised_at,
        "state": state,
    }


def _keys() -> list[dict[str, Any]]:
    found = signing_keys.published_keys(get_session(), issuer=own_issuer())
    return [_key_view(k) for k in sorted(found, key=lambda k: (k.created_at, k.id), reverse=True)]


@bp.get("/keys")
@role_required(Role.STAFF)
def keys() -> str:
    resigning = jobs_keys.latest(get_session(), issuer_id=own_issuer().id)
    return render_template("staff/issuer/keys.html", keys=_keys(), resigning=resigning)


@bp.route("/keys/rotate", methods=["GET", "POST"])
@role_required(Role.STAFF)
def keys_rotate() -> Response | str | tuple[str, int]:
    """The page is the confirmation step; the form posts confirm=yes."""
    if request.method == "GET":
        return render_template("staff/issuer/rotate.html", errors={})
    if not confirmed():
        errors = {"confirm": _("Confirmez la rotation pour créer de nouvelles clés.")}
        return invalid("staff/issuer/rotate.html", errors)
    new_keys = issuers.rotate_keys(
        get_session(), keyring(), issuer=own_issuer(), links=links(), now=now(), resign=False
    )
    _queue_resign(f"rotation-{new_keys[0].public_id}")
    return commit_and_redirect(
        _("Nouvelles clés créées. Les badges déjà délivrés restent valides."), "staff.keys"
    )


def _queue_resign(reason: str) -> None:
    """The status lists are signed again with the new key by a job (its progress: the keys page)."""
    jobs_keys.queue_resign(get_session(), issuer_id=own_issuer().id, reason=reason, user_id=signed_in().id)


def _own_key(key_id: str) -> SigningKey:
    return signing_keys.key_by_public_id(get_session(), key_id, issuer_ids=[own_issuer().id])


def parse_since(raw: str, moment: datetime) -> datetime:
    """The first instant of that day in the service's time zone, as an aware UTC datetime."""
    fields = Fields({"since": raw or None})
    day: date | None = fields.date("since")
    fields.check()
    assert day is not None
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    since = datetime.combine(day, time(0, 0), tzinfo=zone)
    if since > moment:
        raise InvalidInput({"since": SINCE_IN_FUTURE})
    return since


@bp.route("/keys/<key_id>/compromise", methods=["GET", "POST"])
@role_required(Role.STAFF)
def key_compromise(key_id: str) -> Response | str | tuple[str, int]:
    """Step 1: since when. Step 2: what it means, to confirm. Then the key is distrusted from that day."""
    key = _own_key(key_id)
    page = {"key": _key_view(key)}
    if key.compromised_at is not None:
        flash(_("Cette clé est déjà déclarée compromise."), "info")
        return redirect(url_for("staff.keys"), 303)
    if request.method == "GET":
        return render_template(COMPROMISE_PAGE, since="", errors={}, step="date", **page)
    raw = request.form.get("since", "").strip()
    try:
        since = parse_since(raw, now())
        if not confirmed():
            return render_template(COMPROMISE_PAGE, since=raw, day=since, errors={}, step="confirm", **page)
        replacement = issuers.compromise_key(
            get_session(), keyring(), key=key, since=since, links=links(), now=now(), resign=False
        )
    except InvalidInput as exc:
        return invalid(COMPROMISE_PAGE, say_fields(exc), since=raw, step="date", **page)
    except RuleError as exc:
        return invalid(COMPROMISE_PAGE, {"since": say_error(exc)}, since=raw, step="date", **page)
    _queue_resign(key_id)
    message = _("La clé est déclarée compromise.")
    if replacement is not None:
        message += " " + _("Une nouvelle clé la remplace pour les prochains badges.")
    return commit_and_redirect(message, "staff.keys")
