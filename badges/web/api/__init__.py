"""JSON API under /api/v1: one blueprint, routes split by domain (awards, verify, programme)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from badges.db import get_session
from badges.services.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict[str, Any]:
    """The request's JSON object; 415 when not JSON, 422 when not an object."""
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput({"body": "Un objet JSON est attendu."})
    return data


def created(body: dict[str, Any]) -> tuple[Response, int]:
    """Commit the request's unit of work and answer 201."""
    get_session().commit()
    return jsonify(body), 201


# Route modules register themselves on `bp` when imported.
from badges.web.api import awards, programme, verify  # noqa: E402,F401
