"""Errors rendered as JSON for the API and machines, as French HTML pages for people."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from badges.db import discard_session, get_session, is_lock_timeout, is_unavailable
from badges.services import verification
from badges.services.shared.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleError,
    ServiceError,
    TooLarge,
    TooManyAttempts,
)
from badges.services.shared.input_limits import TOO_LARGE
from badges.services.shared.messages import codes
from badges.services.shared.tracing import current_request_id
from badges.web.context import wants_html
from badges.web.i18n import say, say_fields

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("La demande est mal formée."),
    401: _l("Authentification requise."),
    403: _l("Accès refusé."),
    404: _l("Page introuvable."),
    405: _l("Méthode non autorisée."),
    410: _l("Ce document n'existe plus."),
    413: _l("Les données envoyées sont trop volumineuses."),
    415: _l("Type de contenu non pris en charge."),
    422: _l("Certaines données sont invalides."),
    429: _l("Trop de demandes : réessayez dans un moment."),
    500: _l("Erreur interne : l'équipe technique a été prévenue."),
    503: _l("Le service est très occupé : réessayez dans quelques secondes."),
}
UNAVAILABLE = _l("Le service est momentanément indisponible : réessayez dans quelques instants.")
# Seconds a client should wait after a 503 (a SQLite writer lock held past the busy timeout, a database
# restarting).
RETRY_AFTER = 5


def _is_api() -> bool:
    return request.path.startswith("/api/") or not wants_html()


def error_response(
    status: int, message: str, code: str, fields: dict[str, str] | None = None, **machine: object
) -> Response:
    """`machine` adds codes for programs (message_code, field_codes) to the API's error object."""
    # An internal error names its incident (the request id): what a person quotes to find the log lines.
    incident = current_request_id() if status >= 500 else None
    if _is_api():
        body: dict = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        body["error"].update(machine)
        if incident:
            body["error"]["request_id"] = incident
        response = jsonify(body)
    else:
        page = render_template("errors/error.html", status=status, message=message, incident=incident)
        response = Response(page, mimetype="text/html")
    response.status_code = status
    return response


# Each service error becomes this status and error code; the most specific class wins (Conflict is a
# RuleError).
SERVICE_ERRORS: dict[type[ServiceError], tuple[int, str]] = {
    InvalidInput: (422, "invalid"),
    NotFound: (404, "not_found"),
    NotAllowed: (403, "forbidden"),
    TooLarge: (413, "too_large"),
    Conflict: (409, "conflict"),
    RuleError: (422, "rule"),
    TooManyAttempts: (429, "too_many_attempts"),
}


def service_error(exc: ServiceError) -> Response:
    status, code = next(SERVICE_ERRORS[c] for c in type(exc).__mro__ if c in SERVICE_ERRORS)
    if isinstance(exc, InvalidInput):
        return error_response(
            status,
            say(exc.said),
            code,
            say_fields(exc),
            message_code=exc.said.code,
            field_codes=codes(exc.field_messages),
        )
    return error_response(status, say(exc.said), code, message_code=exc.said.code)


def _route() -> str | None:
    """The matched route pattern (`/mes-badges/<token>`), never the path and its secrets."""
    return request.url_rule.rule if request.url_rule is not None else None


def init_app(app: Flask) -> None:
    for error in SERVICE_ERRORS:
        app.register_error_handler(error, service_error)

    @app.errorhandler(HTTPException)
    def http(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 413 and request.path == "/api/v1/verify":
            # The verifier answers every input with a report, an oversized one included.
            response = jsonify(verification.unreadable(TOO_LARGE, cause="too_large").to_dict(gettext))
            response.status_code = 413
            return response
        return error_response(
            status, str(MESSAGES.get(status, exc.description or "")), exc.name.lower().replace(" ", "_")
        )

    @app.errorhandler(DBAPIError)
    def database(exc: DBAPIError) -> Response:
        if is_lock_timeout(exc):
            # Busy, not broken: nothing was stored, and the same request will succeed in a moment.
            log.warning("database lock not obtained within the busy timeout: answered 503")
            get_session().rollback()
            return retry_later(str(MESSAGES[503]), "busy", "database.busy")
        if is_unavailable(exc):
            return unavailable(exc)
        return internal(exc)

    @app.errorhandler(PoolTimeout)
    def pool_exhausted(exc: PoolTimeout) -> Response:
        log.warning("no database connection free within the pool timeout: answered 503")
        discard_session()
        return retry_later(str(MESSAGES[503]), "busy", "database.busy")

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        log.exception("unhandled error", extra={"method": request.method, "route": _route()})
        get_session().rollback()
        return error_response(500, str(MESSAGES[500]), "internal")


def unavailable(exc: DBAPIError) -> Response:
    """The database is down, restarting or cut off: nothing was stored; the next request reconnects (the
    pool pings each connection it hands out and replaces the dead ones)."""
    log.warning("database unavailable (%s): answered 503", type(exc.orig).__name__)
    discard_session()
    # The signed-in account (web/staff/identity.py) belonged to the discarded session: the error page
    # must not load anything of it from a database that is not there.
    g.pop("staff_user", None)
    return retry_later(str(UNAVAILABLE), "unavailable", "database.unavailable")


def retry_later(message: str, code: str, message_code: str) -> Response:
    response = error_response(503, message, code, message_code=message_code)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response
