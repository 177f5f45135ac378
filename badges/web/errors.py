"""Errors rendered as JSON for the API and machines, as French HTML pages for people."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from badges.db import get_session, is_lock_timeout
from badges.services import verification
from badges.services.shared.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    RuleError,
    TooLarge,
    TooManyAttempts,
)
from badges.services.shared.input_limits import TOO_LARGE
from badges.web.context import wants_html

log = logging.getLogger(__name__)

MESSAGES = {
    400: "La demande est mal formée.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Page introuvable.",
    405: "Méthode non autorisée.",
    410: "Ce document n'existe plus.",
    413: "Les données envoyées sont trop volumineuses.",
    415: "Type de contenu non pris en charge.",
    422: "Certaines données sont invalides.",
    429: "Trop de demandes : réessayez dans un moment.",
    500: "Erreur interne : l'équipe technique a été prévenue.",
    503: "Le service est très occupé : réessayez dans quelques secondes.",
}
# Seconds a client should wait after a 503 (a SQLite writer lock held past the busy timeout).
RETRY_AFTER = 5


def _is_api() -> bool:
    return request.path.startswith("/api/") or not wants_html()


def error_response(status: int, message: str, code: str, fields: dict[str, str] | None = None) -> Response:
    if _is_api():
        body: dict = {"error": {"code": code, "message": message}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
    else:
        response = Response(
            render_template("errors/error.html", status=status, message=message), mimetype="text/html"
        )
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(InvalidInput)
    def invalid(exc: InvalidInput) -> Response:
        return error_response(422, exc.message, "invalid", exc.fields)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Response:
        return error_response(404, exc.message, "not_found")

    @app.errorhandler(NotAllowed)
    def not_allowed(exc: NotAllowed) -> Response:
        return error_response(403, exc.message, "forbidden")

    @app.errorhandler(TooLarge)
    def too_large(exc: TooLarge) -> Response:
        return error_response(413, exc.message, "too_large")

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict) -> Response:
        return error_response(409, exc.message, "conflict")

    @app.errorhandler(RuleError)
    def rule(exc: RuleError) -> Response:
        return error_response(422, exc.message, "rule")

    @app.errorhandler(TooManyAttempts)
    def too_many(exc: TooManyAttempts) -> Response:
        return error_response(429, exc.message, "too_many_attempts")

    @app.errorhandler(HTTPException)
    def http(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status == 413 and request.path == "/api/v1/verify":
            # The verifier answers every input with a report, an oversized one included.
            response = jsonify(verification.unreadable(TOO_LARGE, cause="too_large").to_dict())
            response.status_code = 413
            return response
        return error_response(
            status, MESSAGES.get(status, exc.description or ""), exc.name.lower().replace(" ", "_")
        )

    @app.errorhandler(OperationalError)
    def database(exc: OperationalError) -> Response:
        if not is_lock_timeout(exc):
            return internal(exc)
        # Busy, not broken: nothing was stored, and the same request will succeed in a moment.
        log.warning("database lock not obtained within the busy timeout: answered 503")
        get_session().rollback()
        response = error_response(503, MESSAGES[503], "busy")
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def internal(exc: Exception) -> Response:
        log.exception("unhandled error")
        get_session().rollback()
        return error_response(500, MESSAGES[500], "internal")
