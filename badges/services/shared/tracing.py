"""The id of the request (or job) being served, for log lines and for the jobs a request starts.

The web edge binds it for each request; a job carries the id of the request that queued it and binds
it again in the worker, so one id follows the work from the click to the last e-mail. It is a random
token, never personal data.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str | None] = ContextVar("badges_request_id", default=None)


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
