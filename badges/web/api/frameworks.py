"""Competency frameworks: list, read, import and export as JSON or CSV (staff token)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import UnsupportedMediaType

from badges.db import get_session
from badges.models import Framework
from badges.services.credentials.downloads import Download
from badges.services.programme import framework_io, frameworks
from badges.services.shared.errors import RowErrors
from badges.services.shared.messages import codes
from badges.web.api import bp, json_body, paginate, send_download
from badges.web.api.inputs import PAGE, accepts
from badges.web.api.scope import arg, commit_and_render, readable_issuers, writer
from badges.web.auth import token_required
from badges.web.context import links
from badges.web.i18n import say_error, say_fields, say_rows

COMPETENCY = {
    **{name: None for name in ("code", "title", "area", "falc_description", "level", "criteria")},
    "alignments": [{"framework": None, "code": None, "role": None}],
}
FRAMEWORK = {**{name: None for name in framework_io.META_FIELDS}, "competencies": [COMPETENCY]}


@bp.errorhandler(RowErrors)
def row_errors(exc: RowErrors) -> tuple[Response, int]:
    """422 with the usual field map, plus `rows`: [{row, field, message}] for spreadsheet users."""
    error = {
        "code": "invalid",
        "message": say_error(exc),
        "fields": say_fields(exc),
        "rows": say_rows(exc.said_rows),
        "message_code": exc.said.code,
        "field_codes": codes(exc.field_messages),
    }
    return jsonify({"error": error}), 422


def framework_json(framework: Framework) -> dict[str, Any]:
    """The framework in a list or after an import: its summary and its public page."""
    return {**framework_io.summary(framework), "page": links().framework(framework.slug)}


def _framework(slug: str) -> Framework:
    return frameworks.latest(get_session(), slug, arg("version"))


@bp.get("/frameworks")
@token_required
@accepts(query=PAGE)
def list_frameworks() -> Response:
    readable_issuers()
    return jsonify(paginate(select(Framework).order_by(Framework.slug, Framework.id), framework_json))


@bp.get("/frameworks/<slug>")
@token_required
@accepts(query=("version",))
def get_framework(slug: str) -> Response:
    """The framework (latest version, or `?version=`) in the import format, with its versions."""
    readable_issuers()
    framework = _framework(slug)
    return jsonify(
        {**framework_io.export_document(framework), "versions": frameworks.versions(get_session(), slug)}
    )


@bp.post("/frameworks")
@token_required
@accepts(body=FRAMEWORK)
def import_framework() -> tuple[Response, int]:
    """Import a JSON framework document; any error refuses the whole file (422 with the rows)."""
    writer()
    framework = framework_io.import_document(get_session(), json_body())
    return commit_and_render(framework, framework_json, 201)


@bp.post("/frameworks/import.csv")
@token_required
@accepts(query=framework_io.META_FIELDS, own_reader=True)
def import_framework_csv() -> tuple[Response, int]:
    """CSV body (`text/csv`), one competence per line; the framework's fields come as query arguments."""
    writer()
    if request.mimetype != "text/csv":
        raise UnsupportedMediaType()
    meta = {name: request.args.get(name) for name in framework_io.META_FIELDS if name in request.args}
    framework = framework_io.import_csv(get_session(), request.get_data(), meta)
    return commit_and_render(framework, framework_json, 201)


@bp.get("/frameworks/<slug>/export.json")
@token_required
@accepts(query=("version",))
def export_framework_json(slug: str) -> Response:
    readable_issuers()
    framework = _framework(slug)
    body = json.dumps(framework_io.export_document(framework), ensure_ascii=False, indent=1)
    name = f"{framework.slug}-{framework.version}.json"
    return send_download(Download(body.encode("utf-8"), "application/json", name))


@bp.get("/frameworks/<slug>/export.csv")
@token_required
@accepts(query=("version",))
def export_framework_csv(slug: str) -> Response:
    readable_issuers()
    framework = _framework(slug)
    body = framework_io.export_csv(framework).encode("utf-8")
    return send_download(Download(body, "text/csv", f"{framework.slug}-{framework.version}.csv"))
