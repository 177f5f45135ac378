"""Per-app values handed to services, read from the app's config: by a view (web/context re-exports
them) or by a job in the worker (no request there). Needs an app context, not a request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.shared import mail


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


def mail_settings() -> mail.MailSettings:
    """SMTP settings of the app (no host: messages go to the log)."""
    return mail.settings_from(current_app.config)


def link_secret() -> bytes:
    """The server secret the beneficiaries' private links are derived from (services/holders/private_link.py).

    Their own secret (LINK_SECRET), not the session one: rotating SECRET_KEY keeps e-mailed links working.
    """
    return str(current_app.config["LINK_SECRET"]).encode("utf-8")


def wallet_ttl() -> timedelta:
    """How long a wallet offer stays usable (BADGES_WALLET_OFFER_TTL, seconds; issue 15)."""
    return timedelta(seconds=int(current_app.config.get("WALLET_OFFER_TTL", 7 * 24 * 3600)))
