"""The OpenAPI description checked against the code: every /api/v1 route (method and path) is described and
nothing described is missing; each operation's query parameters and body fields are the ones the view
declares with `inputs.accepts`; the description is valid OpenAPI 3.1 and is served, with its reference
page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from badges.web.api.inputs import ALWAYS, OPEN, declared_inputs
from badges.web.api.openapi import description
from badges.web.api.openapi_paths import OPERATIONS
from tests.web.api_world import ROLES, call, make_world

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def routes(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every /api/v1 rule of the app."""
    return {
        (method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in rule.methods & METHODS
    }


@pytest.fixture
def spec(app) -> dict[str, Any]:
    with app.test_request_context("/api/v1/openapi.json"):
        return description()


def test_every_route_is_described_and_every_description_is_a_route(app, spec):
    described = {(method, path) for path, methods in spec["paths"].items() for method in methods}
    assert routes(app) - described == set(), "routes missing from openapi_paths.OPERATIONS"
    assert described - routes(app) == set(), "described operations the app does not serve"


def test_each_operation_names_the_view_that_serves_it(app):
    adapter = app.url_map.bind("badges.test")
    for op in OPERATIONS:
        url = "/api/v1" + re.sub(r"{(\w+)}", "x", op.path)
        endpoint, _ = adapter.match(url, method=op.method.upper())
        assert endpoint == op.endpoint, (op.method, op.path)


def _body_fields(schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """The body shape a schema describes, in inputs.accepts's form (None, nested shape, [shape])."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        inner = _body_fields(schema["items"], schemas)
        return None if inner is None else [inner]
    if schema.get("additionalProperties") is False:
        return {name: _body_fields(s, schemas) for name, s in schema["properties"].items()}
    return None


def _declared_fields(shape: Any) -> Any:
    if shape is None or shape is OPEN:
        return None
    if isinstance(shape, list):
        inner = _declared_fields(shape[0])
        return None if inner is None else [inner]
    return {name: _declared_fields(value) for name, value in shape.items()}


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_query_parameters_and_body_fields_are_those_the_view_accepts(app, spec, op):
    declared = declared_inputs(app.view_functions[op.endpoint])
    assert declared is not None
    described = spec["paths"][op.path][op.method]
    query = {p["name"] for p in described["parameters"] if p["in"] == "query"}
    assert query == set(declared.query) | ALWAYS
    if op.body is None or op.body_media[0] != "application/json":
        assert declared.body == {} or declared.own_reader
        return
    schema = described["requestBody"]["content"]["application/json"]["schema"]
    fields = _body_fields(schema, spec["components"]["schemas"])
    if declared.own_reader:  # the verifier checks its envelope itself: {"credential", "email"}
        assert set(fields) == {"credential", "email"}
    else:
        assert fields == _declared_fields(declared.body)


def test_the_description_is_valid_openapi_3_1(spec):
    """Against the OpenAPI 3.1 schema schemathesis ships, and each body schema against JSON Schema 2020-12."""
    errors = [f"{e.instance_path}: {e.message}" for e in OPENAPI_31_VALIDATOR.iter_errors(spec)]
    assert errors == []
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_the_description_is_served_public_and_cacheable(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert response.json["openapi"] == "3.1.0"
    assert response.json["paths"]["/awards"]["post"]["summary"] == "Délivrer un badge à un bénéficiaire"
    english = client.get("/api/v1/openapi.json?lang=en").json
    assert english["paths"]["/awards"]["post"]["summary"] == "Award a badge to a beneficiary"


def test_the_reference_page_shows_every_operation_in_french_then_english(client, spec):
    page = client.get("/api/v1/reference")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Référence de l'API" in html and "jeton d'API requis" in html
    for path, methods in spec["paths"].items():
        for method in methods:
            assert f"{method.upper()} /api/v1{path}" in html
    assert 'id="schema-AwardInput"' in html and "200 caractères au plus" in html
    english = client.get("/api/v1/reference?lang=en").get_data(as_text=True)
    assert "API reference" in english and "Award a badge to a beneficiary" in english


# The access matrix of the description's two routes: public, the same answer for every role.
DESCRIPTION_ROUTES = ("/openapi.json", "/reference")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", DESCRIPTION_ROUTES)
def test_access_matrix_the_description_is_public_for_every_role(
    session, keyring, links, now, client, role, path
):
    world = make_world(session, keyring, links, now, client)
    response = call(world.clients[role], "GET", path, None)
    assert response.status_code == 200
    assert call(world.clients[role], "POST", path, None).status_code == 405
