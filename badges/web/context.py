"""Per-app objects the views hand to services: keyring, URL scheme, clock, content negotiation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app, request

# Also what a job reads in the worker: defined in badges/jobs/appctx.py, said here for the views.
from badges.jobs.appctx import keyring as keyring
from badges.jobs.appctx import link_secret as link_secret
from badges.jobs.appctx import links as links
from badges.jobs.appctx import mail_settings as mail_settings
from badges.jobs.appctx import now as now
from badges.jobs.appctx import wallet_ttl as wallet_ttl

JSON_TYPES = ["application/ld+json", "application/json", "application/vc+ld+json"]


def today() -> date:
    """The day it is where the ateliers are held (BABEL_DEFAULT_TIMEZONE, Europe/Paris), not in UTC."""
    return now().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def client_ip() -> str:
    """The peer address (behind a reverse proxy, the app is wrapped in werkzeug's ProxyFix)."""
    return request.remote_addr or "inconnue"


def wants_html() -> bool:
    """Browsers get a page; machines (and */*) get JSON-LD."""
    best = request.accept_mimetypes.best_match([*JSON_TYPES, "text/html"])
    return best == "text/html"


def value_of(values: Mapping[str, str], name: str) -> str | None:
    """A query, form or cookie value, or None: `in` first, since werkzeug's MultiDict.get raises and catches
    a BadRequestKeyError (an HTTPException, costly to build) for every missing key (issue 17, profile)."""
    return values[name] if name in values else None  # noqa: SIM401 (MultiDict.get is the slow path)
