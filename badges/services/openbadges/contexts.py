"""Offline JSON-LD: bundled contexts, undefined-term checks, OB 3.0 schema (canonicalisation: crypto.rdfc)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from pyld import jsonld

_DATA = Path(__file__).resolve().parents[2] / "data"
_SCHEMA_FILE = _DATA / "schemas" / "ob_v3p0_achievementcredential_schema.json"
# What PyLD and jsonld.js count as an absolute IRI: a scheme (or "_" for a blank node), then a colon.
_ABSOLUTE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*|_):\S*")


@cache
def load_contexts() -> dict[str, dict[str, Any]]:
    """Bundled contexts by URL (contexts/index.json). Shared and cached: read it, never mutate it."""
    folder = _DATA / "contexts"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    return {
        url: json.loads((folder / entry["file"]).read_text(encoding="utf-8")) for url, entry in index.items()
    }


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader that serves bundled contexts only; it never goes to the network."""
    document = load_contexts().get(url.split("#", 1)[0])
    if document is None:
        raise jsonld.JsonLdError(
            f"Context not bundled (offline loader): {url}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    # A deep copy, because PyLD may modify what it is given. "static" lets PyLD keep the processed
    # context in its shared cache: bundled contexts never change while the process runs.
    return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(document), "tag": "static"}


@contextmanager
def as_jsonld_error() -> Iterator[None]:
    # On hostile input PyLD also leaks ValueError, OverflowError (huge integers), RecursionError...:
    # callers catch a single exception type.
    try:
        yield
    except jsonld.JsonLdError:
        raise
    except Exception as exc:
        raise jsonld.JsonLdError(f"Invalid JSON-LD: {exc}", "jsonld.SyntaxError") from exc


class _UndefinedTermFinder(jsonld.JsonLdProcessor):
    """JSON-LD expansion that records dropped terms, undefined type values and relative ids, with paths."""

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self.path: list[str] = []
        self.found: list[str] = []

    def _dropped(self, term: str | None) -> None:
        # PyLD reports the expanded key, which for an undefined term is the key itself (None: a null term).
        self.found.append(".".join([*self.path, term or "(null term)"]))

    def _expand(
        self, active_ctx: Any, active_property: Any, element: Any, options: Any, **kwargs: Any
    ) -> Any:
        # PyLD 3.3.0 (pinned) recurses through _expand once per JSON object: that is where the path is kept.
        nested = isinstance(element, dict) and active_property is not None
        if nested:
            self.path.append(active_property)
        try:
            expanded = super()._expand(active_ctx, active_property, element, options, **kwargs)
        finally:
            if nested:
                self.path.pop()
        if isinstance(expanded, dict):
            self._check_iris(active_property, expanded)
        return expanded

    def _check_iris(self, active_property: str | None, expanded: dict[str, Any]) -> None:
        # Expanded with no base, an undefined type value or id stays relative: jsonld.js safe mode fails
        # those too ("relative @type reference", "relative @id reference"), e.g. the type
        # 1EdTechJsonSchemaValidator2019 without extensions.json (docs/standards.md#S-ob3-contexts).
        where = ".".join([*self.path, active_property or ""]).strip(".")
        types = expanded.get("@type")
        for keyword, values in (
            ("type", types if isinstance(types, list) else [types]),
            ("id", [expanded.get("@id")]),
        ):
            for value in values:
                if (
                    isinstance(value, str)
                    and not value.startswith("@")
                    and not _ABSOLUTE_IRI.fullmatch(value)
                ):
                    self.found.append(f"{where + '.' if where else ''}{keyword}={value}")


def undefined_terms(doc: dict[str, Any]) -> list[str]:
    """Keys and type values that the document's contexts leave undefined, and relative ids, as dotted paths.

    Dropped keys appear as ``credentialSubject.foo``, undefined type values as ``credentialSchema.type=Foo``
    and relative ids as ``id=credential-1``. PyLD silently drops or keeps all of these where the JS verifiers
    fail with "Safe mode validation error" (docs/standards.md#S-pyld), so the verifier rejects them up front.
    Raises ``jsonld.JsonLdError`` when the document cannot be expanded at all (unknown context, bad JSON-LD).
    """
    finder = _UndefinedTermFinder()
    with as_jsonld_error():
        finder.expand(doc, {"documentLoader": document_loader, "base": None})
    return finder.found


def _context_urls(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _context_urls(item)
    elif isinstance(node, dict):
        for key in ("@context", "@import"):
            value = node.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    yield item
        for value in node.values():
            yield from _context_urls(value)


def unknown_contexts(doc: Any) -> list[str]:
    """Context URLs used anywhere in the document (scoped contexts included) that are not bundled."""
    bundled = load_contexts()
    unknown = [url for url in _context_urls(doc) if url.split("#", 1)[0] not in bundled]
    return list(dict.fromkeys(unknown))


@cache
def load_schema() -> dict[str, Any]:
    """The bundled OB 3.0 AchievementCredential JSON Schema (draft 2019-09). Cached: never mutate it."""
    schema: dict[str, Any] = json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(
        load_schema(), format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """OB 3.0 schema messages as ``"<json path>: <message>"``; empty when the credential passes
    (docs/standards.md#S-json-schema)."""
    return [f"{error.json_path}: {error.message}" for error in _validator().iter_errors(credential)]


@cache
def _endorsement_validator() -> jsonschema.Draft201909Validator:
    """1EdTech's EndorsementCredential definition, as the bundled OB 3.0 schema carries it ($defs)."""
    schema = {
        k: v
        for k, v in load_schema().items()
        if k not in ("properties", "required", "type", "additionalProperties")
    }
    return jsonschema.Draft201909Validator(
        {**schema, "$ref": "#/$defs/EndorsementCredential"},
        format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER,
    )


def endorsement_schema_errors(credential: dict[str, Any]) -> list[str]:
    """Like `schema_errors`, for an EndorsementCredential (OB 3.0 §B.1.2)."""
    return [
        f"{error.json_path}: {error.message}" for error in _endorsement_validator().iter_errors(credential)
    ]
