"""The API's description for programs (/api/v1/openapi.json) and for people (/api/v1/reference)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template
from flask_babel import gettext

from badges.web.api import bp
from badges.web.api.inputs import accepts
from badges.web.api.openapi import description

# Public and the same for everyone (per language): caches may keep it for an hour.
MAX_AGE = 3600


def _cacheable(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/openapi.json")
@accepts()
def openapi_json() -> Response:
    response = jsonify(description())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _cacheable(response)


def _reference_sections(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations grouped by tag, in the table's order, each with its parameters, body and answers."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            sections.setdefault(op["tags"][0], []).append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": "/api/v1" + path,
                    "summary": op["summary"],
                    "public": op["security"] == [],
                    "parameters": op["parameters"],
                    "body": {media: _schema_name(c["schema"]) for media, c in body.items()},
                    "responses": op["responses"],
                }
            )
    return [{"title": title, "operations": ops} for title, ops in sections.items()]


def limits(schema: dict[str, Any]) -> str:
    """What a reader must know of a value besides its type: its limits, choices and format."""
    said = []
    if "maxLength" in schema:
        said.append(gettext("%(max)s caractères au plus", max=schema["maxLength"]))
    if "minItems" in schema:
        said.append(gettext("au moins %(min)s", min=schema["minItems"]))
    if "maxItems" in schema:
        said.append(gettext("au plus %(max)s", max=schema["maxItems"]))
    said += [f"{sign} {schema[key]}" for key, sign in (("minimum", "≥"), ("maximum", "≤")) if key in schema]
    if "enum" in schema:
        said.append(", ".join(str(v) for v in schema["enum"] if v is not None))
    said += [str(schema[key]) for key in ("format", "pattern") if key in schema]
    return " ; ".join(said)


def _schema_name(schema: dict[str, Any]) -> str:
    return str(schema.get("$ref", "")).rsplit("/", 1)[-1] or str(schema.get("type", ""))


@bp.get("/reference")
@accepts()
def reference() -> Response:
    spec = description()
    body = render_template(
        "public/api_reference.html",
        spec=spec,
        sections=_reference_sections(spec),
        schemas=spec["components"]["schemas"],
        schema_name=_schema_name,
        limits=limits,
    )
    return _cacheable(Response(body, mimetype="text/html"))
