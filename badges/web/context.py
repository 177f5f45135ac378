"""Per-app objects the views hand to services: keyring, URL scheme, clock, content negotiation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, request

from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.shared import mail

JSON_TYPES = ["application/ld+json", "application/json", "application/vc+ld+json"]


def keyring() -> Keyring:
    found = current_app.extensions.get("badges.keyring")
    if found is None:
        found = Keyring(Path(current_app.config["KEYS_DIR"]), current_app.config["KEY_PASSPHRASE"].encode())
        current_app.extensions["badges.keyring"] = found
    return found


def links() -> Links:
    return Links(current_app.config["BASE_URL"])


def now() -> datetime:
    """The clock; tests may set config CLOCK to a callable returning an aware datetime."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else datetime.now(UTC)


def today() -> date:
    """The day it is where the ateliers are held (BABEL_DEFAULT_TIMEZONE, Europe/Paris), not in UTC."""
    return now().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def mail_settings() -> mail.MailSettings:
    """SMTP settings of the app (no host: messages go to the log)."""
    return mail.settings_from(current_app.config)


def client_ip() -> str:
    """The peer address (behind a reverse proxy, the app is wrapped in werkzeug's ProxyFix)."""
    return request.remote_addr or "inconnue"


def link_secret() -> bytes:
    """The server secret the beneficiaries' private links are derived from (services/holders/private_link.py).

    Their own secret (LINK_SECRET), not the session one: rotating SECRET_KEY keeps e-mailed links working.
    """
    return str(current_app.config["LINK_SECRET"]).encode("utf-8")


def wants_html() -> bool:
    """Browsers get a page; machines (and */*) get JSON-LD."""
    best = request.accept_mimetypes.best_match([*JSON_TYPES, "text/html"])
    return best == "text/html"
