"""Work that runs after the response, in a thread with its own app context and database session.

Today it only sends the password-reset e-mail, so the answer takes the same time whether the account
exists or not. A job queue will replace it: tasks take plain values (never ORM objects of the request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from badges.services.shared.tracing import bound_request_id, current_request_id

log = logging.getLogger(__name__)
EXTENSION = "badges.background"


def _running(app: Flask) -> set[threading.Thread]:
    threads: set[threading.Thread] = app.extensions.setdefault(EXTENSION, set())
    return threads


def after_response(task: Callable[..., None], *args: Any) -> None:
    """Run task(*args) apart from the request; call it once the response is built."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    # A new thread starts with an empty context: it carries the request's id explicitly.
    request_id = current_request_id()
    thread = threading.Thread(
        target=_run, args=(app, request_id, task, args), name=f"after-response {task.__name__}"
    )
    thread.daemon = True  # a stalled mail server never keeps the process from stopping
    _running(app).add(thread)
    thread.start()


def _run(app: Flask, request_id: str | None, task: Callable[..., None], args: tuple[Any, ...]) -> None:
    with bound_request_id(request_id):
        try:
            # A request context of its own: url_for builds the links, get_session opens a new session.
            with app.test_request_context(base_url=str(app.config["BASE_URL"])):
                task(*args)
        except Exception:
            log.exception("background task %s failed", task.__name__)
        finally:
            _running(app).discard(threading.current_thread())


def wait(app: Flask, timeout: float = 30.0) -> bool:
    """Wait for the tasks started so far (tests, and a clean shutdown); False if some still run."""
    for thread in list(_running(app)):
        thread.join(timeout)
    return not _running(app)
