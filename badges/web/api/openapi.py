"""The OpenAPI 3.1 description of /api/v1, built from the operations table (openapi_paths.py) and the
schemas (openapi_schemas.py), in the reader's language (French, or English with ?lang=en)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from badges.web.api import MAX_PAGE, MAX_PER_PAGE
from badges.web.api.openapi_inputs import INPUTS
from badges.web.api.openapi_paths import JSON, OPERATIONS, Op
from badges.web.api.openapi_schemas import ANSWERS, Schema, page_of, ref

SCHEMAS = {**ANSWERS, **INPUTS}

VERSION = "1.0.0"
WRITES = ("post", "put", "patch")
PATH_PARAMETER = re.compile(r"{(\w+)}")

STATUS_TEXTS = {
    200: _l("Réussi."),
    201: _l("Créé."),
    202: _l("Accepté : une tâche termine le travail (suivre job.progress)."),
    204: _l("Fait, sans contenu."),
    401: _l("Jeton absent, inconnu, expiré ou révoqué."),
    403: _l("Ce rôle ne peut pas faire cette action (ou ce jeton n'est pas celui d'un tiers-lieu)."),
    404: _l("Introuvable, ou appartenant à un autre tiers-lieu."),
    409: _l("Refusé dans l'état actuel (par exemple déjà fait, ou déjà utilisé)."),
    413: _l("Corps trop volumineux."),
    415: _l("Type de contenu non pris en charge (JSON attendu)."),
    422: _l("Données invalides : paramètre ou champ inconnu, valeur refusée (voir error.fields)."),
    503: _l("Service occupé ou serveur d'e-mail injoignable : réessayer plus tard (Retry-After)."),
}
PARAMETER_TEXTS = {
    "page": _l("Numéro de page, à partir de 1."),
    "per_page": _l("Éléments par page (1 à 100)."),
    "lang": _l("Langue des messages : fr (par défaut) ou en."),
}


def description() -> dict[str, Any]:
    """The whole description, its texts in the current request's language."""
    schemas = {name: _translated(schema) for name, schema in SCHEMAS.items()}
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = operation(op)
        for name in _page_answers(op):
            schemas[name] = page_of(name.removesuffix("Page"))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": str(_l("API des badges numériques")),
            "version": VERSION,
            "description": str(
                _l(
                    "Délivrer, gérer et vérifier des Open Badges. Les routes autres que la vérification et "
                    "cette description demandent un jeton d'API (en-tête Authorization: Bearer <jeton>), "
                    "donné par la commande `badges users token`. Toute erreur a la forme "
                    '{"error": {"code", "message", "message_code", "fields", "field_codes"}}. Une méthode '
                    "non décrite pour un chemin décrit est refusée par un 405."
                )
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": {JSON: {"schema": ref("Error")}}}},
        },
        "paths": paths,
    }


def _translated(schema: Schema) -> Schema:
    return {k: str(v) if k == "description" else v for k, v in schema.items()}


def _page_answers(op: Op) -> list[str]:
    """A list's answer, `<Item>Page`: one page of items."""
    return [op.answer] if op.answer and op.answer.endswith("Page") else []


def operation(op: Op) -> dict[str, Any]:
    found: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api.") + ("" if op.method == "get" else f"_{op.method}"),
        "summary": str(op.summary),
        "tags": [str(op.tag)],
        "parameters": [*path_parameters(op.path), *query_parameters(op.query)],
        "responses": responses(op),
    }
    found["security"] = [] if op.public else [{"token": []}]
    if op.body is not None:
        found["requestBody"] = {
            "required": True,
            "content": {media: {"schema": _body_schema(op, media)} for media in op.body_media},
        }
    return found


def _body_schema(op: Op, media: str) -> Schema:
    if media == "multipart/form-data":
        return {
            "type": "object",
            "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
            "required": ["file"],
        }
    return ref(op.body or "")


def path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in PATH_PARAMETER.findall(path)
    ]


def query_parameters(names: tuple[str, ...]) -> list[dict[str, Any]]:
    schemas: dict[str, Schema] = {
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "lang": {"type": "string", "enum": ["fr", "en"]},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "open": {"type": "string", "enum": ["1", "true"]},
    }
    found = []
    for name in (*names, "lang"):
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in ("from", "to"),
            "schema": schemas.get(name, {"type": "string"}),
        }
        if name in PARAMETER_TEXTS:
            parameter["description"] = str(PARAMETER_TEXTS[name])
        found.append(parameter)
    return found


def responses(op: Op) -> dict[str, Any]:
    statuses = {op.ok, 422, 503, *op.errors, *([202] if op.accepted else [])}
    if not op.public:
        statuses |= {401, 403}
    if PATH_PARAMETER.search(op.path):
        statuses.add(404)
    if op.method in WRITES:
        statuses |= {413, 415}
    found: dict[str, Any] = {}
    for status in sorted(statuses):
        found[str(status)] = (
            _success(op, status)
            if status in (op.ok, 202)
            else _error(status, report=op.endpoint == "api.verify")
        )
    return found


def _success(op: Op, status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": str(STATUS_TEXTS[status])}
    if status == 204:
        return answer
    answer["content"] = {media: {"schema": _media_schema(op, media, status)} for media in op.media}
    return answer


def _media_schema(op: Op, media: str, status: int) -> Schema:
    """The answer's schema: the operation's, else a JSON object (a document) or a file's text or bytes."""
    if op.accepted and status == 202:
        return ref(op.accepted)
    if op.answer:
        return ref(op.answer)
    return {"type": "object"} if media.endswith("json") else {"type": "string"}


def _error(status: int, *, report: bool) -> dict[str, Any]:
    # The verifier answers a too-large input with a report, like any other input it cannot read.
    schema = ref("Report") if report and status == 413 else ref("Error")
    return {"description": str(STATUS_TEXTS[status]), "content": {JSON: {"schema": schema}}}
