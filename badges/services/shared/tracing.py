"""The id of the request (or job) being served, for log lines and for the jobs a request starts.

The web edge binds it for each request; a job carries the id of the request that queued it and binds
it again in the worker, so one id follows the work from the click to the last e-mail. It is a random
token, never personal data.

What a request did that the operator wants to know (a verification's input and verdict) is `tell`-ed
here: when the server writes an access line that carries it (gunicorn with badges.web.access_log), it
goes on that line, one line per request instead of two (issue 17: a log line of its own cost about a
seventh of a verification request); anywhere else (a job, a command, the development server, a test
client) it is a log line of its own at INFO.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_current: ContextVar[str | None] = ContextVar("badges_request_id", default=None)
_facts: ContextVar[dict[str, Any] | None] = ContextVar("badges_request_facts", default=None)


def new_request_id() -> str:
    return secrets.token_hex(8)


def current_request_id() -> str | None:
    """The id bound to the work in progress, or None outside a request or a job."""
    return _current.get()


@contextmanager
def bound_request_id(request_id: str | None) -> Iterator[str]:
    """Bind request_id (a new one when None) for the duration of the block."""
    value = request_id or new_request_id()
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


def tell(logger: logging.Logger, message: str, *, key: str, **facts: Any) -> None:
    """Say what the work in progress did: under `key` on its request's access line when facts are
    gathered for one (`gathering_facts`), else as `message` in a line of its own, with `facts`."""
    gathered = _facts.get()
    if gathered is None:
        logger.info(message, extra=facts)
    else:
        gathered[key] = facts


@contextmanager
def gathering_facts(into: dict[str, Any] | None) -> Iterator[None]:
    """Gather what is told during the block into `into`, for the access line written after it (None: no
    access line will carry them, each is a log line of its own)."""
    token = _facts.set(into)
    try:
        yield
    finally:
        _facts.reset(token)
