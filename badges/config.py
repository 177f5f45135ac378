"""Configuration layers: defaults, then instance/config.py, then BADGES_* environment, then test_config."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "BADGES_"

# Keys read from the environment as BADGES_<KEY>; values are strings unless parsed below.
ENV_KEYS = (
    "DATABASE_URL",
    "BASE_URL",
    "KEYS_DIR",
    "KEY_PASSPHRASE",
    "SECRET_KEY",
    "MAX_CONTENT_LENGTH",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_SECURITY",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_CA_FILE",
    "MAIL_SENDER",
    "ALLOW_FETCH_HOSTS",
    "FETCH_CA_FILE",
    "PROXIES",
    "STAFF_IDLE_MINUTES",
    "STAFF_SESSION_HOURS",
)
INT_KEYS = {"MAX_CONTENT_LENGTH", "SMTP_PORT", "PROXIES", "STAFF_IDLE_MINUTES", "STAFF_SESSION_HOURS"}


def defaults(instance_path: Path) -> dict[str, Any]:
    """Embedded defaults: SQLite under instance/, keys beside it, a local base URL."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'badges.sqlite3'}",
        "BASE_URL": "http://127.0.0.1:5000",
        "KEYS_DIR": str(instance_path.parent / "keys"),
        "KEY_PASSPHRASE": None,
        "SECRET_KEY": None,
        # Whole request bodies (uploads included) are capped; verification inputs have their own limits.
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "SMTP_HOST": None,
        "SMTP_PORT": 25,
        # none (a local relay), starttls (port 587) or tls (SMTPS, 465); a login needs one of the last two.
        "SMTP_SECURITY": "none",
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        # Extra CA bundle for a relay with a private certificate; the system CAs otherwise.
        "SMTP_CA_FILE": None,
        "MAIL_SENDER": "badges@localhost",
        # Hosts the verifier may fetch from although they are loopback/private (tests only).
        "ALLOW_FETCH_HOSTS": "",
        # Extra CA bundle for fetching (tests run a local HTTPS issuer); the system CAs otherwise.
        "FETCH_CA_FILE": None,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        # Login throttling per IP needs the real client address behind a proxy.
        "PROXIES": 0,
        # Staff sessions: idle timeout and absolute lifetime.
        "STAFF_IDLE_MINUTES": 60,
        "STAFF_SESSION_HOURS": 12,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read BADGES_* variables, parsing integers where the setting is numeric."""
    found: dict[str, Any] = {}
    for key in ENV_KEYS:
        raw = environ.get(ENV_PREFIX + key)
        if raw is None or raw == "":
            continue
        found[key] = int(raw) if key in INT_KEYS else raw
    return found


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Apply every layer in order, then fill in generated secrets."""
    instance = Path(app.instance_path)
    app.config.from_mapping(defaults(instance))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(from_environment(os.environ))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["BASE_URL"] = str(app.config["BASE_URL"]).rstrip("/")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    if not app.config.get("KEY_PASSPHRASE"):
        app.config["KEY_PASSPHRASE"] = instance_secret(instance / "key_passphrase")
    check_mail(app.config)


def check_mail(config: Any) -> None:
    """Refuse to start with SMTP settings that cannot work (or would send a password in clear)."""
    from badges.services import mail

    problems = mail.settings_from(config).problems()
    if problems:
        raise RuntimeError("; ".join(problems))


def instance_secret(path: Path) -> str:
    """Return the secret stored at path, creating it (mode 0600) on first start.

    Several gunicorn workers may start at once: O_EXCL makes exactly one of them write it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to generate a new secret")
    return value
