"""JSON API under /api/v1: one blueprint, routes split by domain (awards, verify, programme)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import Select
from werkzeug.exceptions import UnsupportedMediaType

from badges.db import get_session
from badges.services.credentials.downloads import Download
from badges.services.programme.rules import INTEGER_BETWEEN
from badges.services.shared import json_input, paging
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.web.files import file_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
BODY_KEY = "badges.api.body"


def json_body() -> dict[str, Any]:
    """The request's JSON object, read once by the bounded reader (services/shared/json_input.py).

    415 when not JSON, 413 when larger than MAX_CONTENT_LENGTH, 422 when too deep, not UTF-8, not JSON, with
    a duplicate key or NaN, or not an object. Routes declare the fields they read with `inputs.accepts`.
    """
    # Kept on the request itself: `g` outlives the request when an application context was already pushed.
    if BODY_KEY in request.environ:
        body: dict[str, Any] = request.environ[BODY_KEY]
        return body
    if not request.is_json:
        raise UnsupportedMediaType()
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    # Refused on the announced length, before any byte is read.
    json_input.check_size(request.content_length or 0, limit)
    data = json_input.read_json(request.get_data(cache=True), max_bytes=limit)
    if not isinstance(data, dict):
        raise InvalidInput({"body": OBJECT_EXPECTED})
    request.environ[BODY_KEY] = data
    return data


def created(body: dict[str, Any]) -> tuple[Response, int]:
    """Commit the request's unit of work and answer 201."""
    get_session().commit()
    return jsonify(body), 201


MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
OBJECT_EXPECTED = message("api.object_expected", N_("Un objet JSON est attendu."))
POSITIVE_INTEGER = message("api.positive_integer", N_("Nombre entier positif attendu."))


def paginate(query: Select[Any], render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """`?page=1&per_page=20` (at most 100): one page of items and the total count."""
    fields: dict[str, Message] = {}
    page, per_page = request.args.get("page", "1"), request.args.get("per_page", "20")
    if not _digits(page) or int(page) < 1:
        fields["page"] = POSITIVE_INTEGER
    elif int(page) > MAX_PAGE:
        # The offset must fit the database's integers (a 64-bit overflow was a 500).
        fields["page"] = INTEGER_BETWEEN(low=1, high=MAX_PAGE)
    if not _digits(per_page) or not 1 <= int(per_page) <= MAX_PER_PAGE:
        fields["per_page"] = INTEGER_BETWEEN(low=1, high=MAX_PER_PAGE)
    if fields:
        raise InvalidInput(fields)
    found = paging.paginate(get_session(), query, page=int(page), per_page=int(per_page)).map(render)
    return {"items": found.items, "page": found.page, "per_page": found.per_page, "total": found.total}


def _digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() refuses."""
    return value.isascii() and value.isdigit()


def send_download(file: Download) -> Response:
    return file_response(file.body, file.media_type, file.filename)


# Route modules register themselves on `bp` when imported.
from badges.web.api import (  # noqa: E402,F401
    awards,
    delivery,
    endorsements,
    evaluations,
    frameworks,
    jobs,
    pathways,
    programme,
    reference,
    reports,
    shared_classes,
    verify,
)
