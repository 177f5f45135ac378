"""Log lines, set up in one place: JSON lines in production, readable lines in development.

Every line carries the id of the request (or job) it belongs to, read from services/shared/tracing.py,
and goes through the redaction filter (badges/redaction.py). The app (create_app), the `badges` command
and gunicorn's error and access logs (web/access_log.py) all use the formatters made here.

The format is BADGES_LOG_FORMAT (`json` or `text`); unset, it is `json` when BADGES_ENV is `production`
or the process is served by gunicorn (which sets SERVER_SOFTWARE), `text` otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from badges.redaction import RedactFilter, extras
from badges.services.shared.tracing import current_request_id

if TYPE_CHECKING:
    from flask import Flask

FORMATS = ("json", "text")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
HANDLER_NAME = "badges"
NO_REQUEST = "-"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def chosen_format(
    environ: Mapping[str, str] | None = None, configured: str | None = None, *, served: bool = False
) -> str:
    """The configured format, else json in production or when served by gunicorn, else text."""
    environ = os.environ if environ is None else environ
    value = (configured or environ.get("BADGES_LOG_FORMAT") or "").strip().lower()
    if value:
        if value not in FORMATS:
            raise ValueError(f"BADGES_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
        return value
    production = environ.get("BADGES_ENV", "").lower() == "production"
    gunicorn = served or environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")
    return "json" if production or gunicorn else "text"


def chosen_level(environ: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    environ = os.environ if environ is None else environ
    value = (configured or environ.get("BADGES_LOG_LEVEL") or "INFO").strip().upper()
    if value not in LEVELS:
        raise ValueError(f"BADGES_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {value!r}")
    return value


class RequestIdFilter(logging.Filter):
    """Puts the id of the request or job in progress on the record (gunicorn's access log passes its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, then the structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        line.update(extras(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-03-10 14:05:02 INFO badges.web.errors [request id] message key=value`, for people."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        more = extras(record)
        if getattr(record, "request_id", None) is None:
            record = logging.makeLogRecord({**record.__dict__, "request_id": NO_REQUEST})
        text = super().format(record)
        if not more:
            return text
        first, newline, rest = text.partition("\n")
        pairs = " ".join(
            f"{key}={json.dumps(value, ensure_ascii=False, default=str)}" for key, value in more.items()
        )
        return f"{first} {pairs}{newline}{rest}"


def make_formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else TextFormatter()


def prepare_handler(handler: logging.Handler, fmt: str) -> logging.Handler:
    """The badges format and filters on a handler (ours, or one of gunicorn's)."""
    handler.setFormatter(make_formatter(fmt))
    for kind in (RequestIdFilter, RedactFilter):
        if not any(isinstance(existing, kind) for existing in handler.filters):
            handler.addFilter(kind())
    return handler


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to the sys.stderr of the moment (a test runner or a daemon may replace it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """logging.StreamHandler sets it; the current sys.stderr is always used instead."""


def configure(fmt: str, level: str, stream: TextIO | None = None) -> logging.Handler:
    """Send the root logger's lines to standard error (or `stream`) in `fmt`, from `level` up.

    Called again (another app in the same process), it replaces its own handler and nothing else."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.set_name(HANDLER_NAME)
    root.addHandler(prepare_handler(handler, fmt))
    root.setLevel(level)
    # huey's task lines ("Executing <task id>") come before the job's request id is bound; the runner
    # (badges/jobs/runner.py) writes its own, with that id. The consumer's lines (started, exiting) stay.
    logging.getLogger("huey").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    logging.getLogger("huey.consumer").setLevel(level)
    # Its "Enqueueing periodic task" line every minute (the sweeper) says nothing an operator needs.
    logging.getLogger("huey.consumer.Scheduler").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler


def init_app(app: Flask, *, served: bool = False) -> str:
    """The app's lines: BADGES_LOG_FORMAT and BADGES_LOG_LEVEL (or instance/config.py), else the defaults.

    `served`: this process is about to become gunicorn's master (`badges serve`), json by default."""
    fmt = chosen_format(configured=app.config.get("LOG_FORMAT"), served=served)
    configure(fmt, chosen_level(configured=app.config.get("LOG_LEVEL")))
    return fmt
