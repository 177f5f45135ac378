"""A request id for every request: taken from a sane `X-Request-ID` (a proxy's) or made, bound for the logs.

The id is bound (services/shared/tracing.py) while the app serves the request, so every log line of the
request carries it; it is kept in the WSGI environ for gunicorn's access line (written after the
response), returned in the `X-Request-ID` header and shown on the 500 page, so that a staff member can
quote it and the operator find the lines. A WSGI middleware rather than a before_request hook: the id is
bound before anything else runs and unbound after the last teardown.

Under gunicorn with badges' access logger, what the request `tell`s (services/shared/tracing.py, a
verification's verdict) is gathered in the environ too, and written on the access line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, request

from badges.services.shared.tracing import bound_request_id, gathering_facts

log = logging.getLogger(__name__)
HEADER = "X-Request-ID"
ENVIRON_KEY = "badges.request_id"
FACTS_KEY = "badges.facts"
# What an incoming id may be (nginx's $request_id, a UUID, a load balancer's trace id): anything else
# is replaced, so that a client cannot write arbitrary text, or a line break, into the logs.
ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")


def accepted(value: str | None) -> str | None:
    return value if value and ACCEPTED.fullmatch(value) else None


class RequestIdMiddleware:
    # Set in the server process by the access logger that writes the facts (web/access_log.py).
    facts_on_access_line = False

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with bound_request_id(accepted(environ.get("HTTP_X_REQUEST_ID"))) as request_id:
            environ[ENVIRON_KEY] = request_id

            def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                kept = [(name, value) for name, value in headers if name.lower() != HEADER.lower()]
                return start_response(status, [*kept, (HEADER, request_id)], exc_info)

            facts = environ.setdefault(FACTS_KEY, {}) if RequestIdMiddleware.facts_on_access_line else None
            with gathering_facts(facts):
                result: Iterable[bytes] = self.app(environ, start)
            return result


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestIdMiddleware(app.wsgi_app)  # type: ignore[method-assign]

    @app.after_request
    def log_request(response: Response) -> Response:
        """A debug line per request (gunicorn's access log is the production one): the route, not the path."""
        if not log.isEnabledFor(logging.DEBUG):
            return response
        route = request.url_rule.rule if request.url_rule is not None else None
        extra = {"method": request.method, "route": route, "status": response.status_code}
        log.debug("request served", extra=extra)
        return response
