"""Configuration layers: defaults, then instance/config.py, then BADGES_* environment, then test_config."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
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
    "LINK_SECRET",
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
    "DATABASE_CONNECT_TIMEOUT",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "RESSENTI_OPEN_DAYS",
    "RESSENTI_RETENTION_DAYS",
    "QUEUE_URL",
    "QUEUE_NAME",
    "QUEUE_POLL_MAX",
    "JOB_ATTEMPTS",
    "JOB_RETRY_DELAY",
    "JOB_LOST_AFTER",
    "JOB_RUNNING_LEASE",
    "JOB_SWEEP_EVERY",
    "INLINE_AWARDS_MAX",
    "AWARD_CHUNK",
    "AWARD_CHUNK_LEASE",
    "OUTCOME_RETENTION_DAYS",
    "IMPORT_BATCH",
    "WALLET_OFFER_TTL",
)
INT_KEYS = {
    "MAX_CONTENT_LENGTH",
    "SMTP_PORT",
    "PROXIES",
    "STAFF_IDLE_MINUTES",
    "STAFF_SESSION_HOURS",
    "DATABASE_CONNECT_TIMEOUT",
    "RESSENTI_OPEN_DAYS",
    "RESSENTI_RETENTION_DAYS",
    "JOB_ATTEMPTS",
    "INLINE_AWARDS_MAX",
    "AWARD_CHUNK",
    "OUTCOME_RETENTION_DAYS",
    "IMPORT_BATCH",
    "WALLET_OFFER_TTL",
}
FLOAT_KEYS = {
    "QUEUE_POLL_MAX",
    "JOB_RETRY_DELAY",
    "JOB_LOST_AFTER",
    "JOB_RUNNING_LEASE",
    "JOB_SWEEP_EVERY",
    "AWARD_CHUNK_LEASE",
}


def defaults(instance_path: Path) -> dict[str, Any]:
    """Embedded defaults: SQLite under instance/, keys beside it, a local base URL."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'badges.sqlite3'}",
        "BASE_URL": "http://127.0.0.1:5000",
        "KEYS_DIR": str(instance_path.parent / "keys"),
        "KEY_PASSPHRASE": None,
        "SECRET_KEY": None,
        # Beneficiaries' private links (/mes-badges/<token>) are derived from it, not from SECRET_KEY:
        # rotating the session secret must not break links already e-mailed.
        "LINK_SECRET": None,
        # Seconds a SQLite writer waits for the lock before the request answers 503; below gunicorn's
        # 30 s worker timeout, so the person gets that answer rather than a killed worker.
        "SQLITE_BUSY_TIMEOUT": 20,
        # Seconds a worker waits for a PostgreSQL server that does not answer (a host gone, a firewall
        # dropping packets) before the request answers 503; a refused connection fails at once anyway.
        "DATABASE_CONNECT_TIMEOUT": 5,
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
        # The coordination as an endorser: its name in the endorsements it signs (issue 16).
        "NETWORK_NAME": "Coordination du réseau des tiers-lieux",
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
        # json or text; unset: json in production (BADGES_ENV=production, or under gunicorn), else text.
        "LOG_FORMAT": None,
        "LOG_LEVEL": "INFO",
        # Ressenti: a participant answers alone through their private link until this many days after the
        # atelier; answers are purged (`badges purge ressenti`) this many days after the atelier (2 years:
        # the accompaniment file, docs/domain.md#D-gdpr-retention).
        "RESSENTI_OPEN_DAYS": 14,
        "RESSENTI_RETENTION_DAYS": 730,
        # Background jobs (badges/jobs, docs/jobs.md): the queue is a SQLite file beside the database by
        # default (no server needed), or Redis (redis://host:6379/0) for several web servers and workers.
        "QUEUE_URL": f"sqlite:///{instance_path / 'queue.sqlite3'}",
        "QUEUE_NAME": "badges",
        # Seconds an idle worker waits at most before looking at the queue again.
        "QUEUE_POLL_MAX": 1.0,
        # Tries of a job (e-mails) before it fails for good, and the delay before the first retry in
        # seconds (doubled each time: 30 s, 1 min, 2 min, 4 min, 8 min).
        "JOB_ATTEMPTS": 6,
        "JOB_RETRY_DELAY": 30.0,
        # A queued job not started after this many seconds is pushed again (its message was lost); a job
        # running for longer than the lease is taken to be dead (its worker was killed) and retried.
        "JOB_LOST_AFTER": 300.0,
        "JOB_RUNNING_LEASE": 900.0,
        # Seconds between two sweeps of lost or dead jobs by each worker (also one sweep at start).
        "JOB_SWEEP_EVERY": 60.0,
        # Bulk issuance (jobs/bulk.py): a save making more awards due than this signs none of them in the
        # request but queues a bulk job, cut into chunks of AWARD_CHUNK awards run by every worker
        # process; a chunk silent (no award stored) for AWARD_CHUNK_LEASE seconds is taken to be dead.
        "INLINE_AWARDS_MAX": 20,
        "AWARD_CHUNK": 10,
        "AWARD_CHUNK_LEASE": 60.0,
        # Imports (jobs/imports.py): lines of the file stored per transaction by the import job, each
        # batch committed with the job's progress (a batch beats within AWARD_CHUNK_LEASE).
        "IMPORT_BATCH": 200,
        # Tests only: N worker threads inside the app's process (QUEUE_URL memory://, tests/apps.py).
        "JOBS_IN_PROCESS": 0,
        # Days an end-of-pathway outcome is kept after its last change (`badges outcomes purge`).
        "OUTCOME_RETENTION_DAYS": 730,
        # Seconds an "Ajouter à mon portefeuille" offer stays usable (issue 15): a week by default.
        "WALLET_OFFER_TTL": 7 * 24 * 3600,
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
        found[key] = int(raw) if key in INT_KEYS else float(raw) if key in FLOAT_KEYS else raw
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
    # Decided before a session secret is generated: only an existing installation has one already.
    existing = app.config.get("SECRET_KEY") or _stored(instance / "secret_key")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance / "secret_key")
    if not app.config.get("LINK_SECRET"):
        # Links e-mailed before the link secret existed were derived from the session secret: keep it.
        initial = str(app.config["SECRET_KEY"]) if existing else None
        app.config["LINK_SECRET"] = instance_secret(instance / "link_secret", initial=initial)
    if not app.config.get("KEY_PASSPHRASE"):
        app.config["KEY_PASSPHRASE"] = instance_secret(instance / "key_passphrase")
    check_mail(app.config)


def check_mail(config: Any) -> None:
    """Refuse to start with SMTP settings that cannot work (or would send a password in clear)."""
    from badges.services.shared import mail

    problems = mail.settings_from(config).problems()
    if problems:
        raise RuntimeError("; ".join(problems))


def instance_secret(path: Path, initial: str | None = None) -> str:
    """Return the secret stored at path, creating it (mode 0600) on first start with `initial` or a
    random value.

    Several gunicorn workers may start at once: each writes a complete temporary file, then hard-links
    it to `path`, which fails if another was first. The link is atomic, so every worker reads the same
    complete secret and none ever sees a partial file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    found = _stored(path)
    if found is not None:
        return _checked(path, found)
    value = initial or secrets.token_urlsafe(48)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return _checked(path, _stored(path))


def _stored(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def _checked(path: Path, value: str | None) -> str:
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to generate a new secret")
    return value
