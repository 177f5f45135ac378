"""RDFC-1.0 canonical N-Quads with PyLD, the processed bundled JSON-LD contexts kept in a bounded memo.

PyLD re-processes the OB 3.0 type-scoped contexts for every nested object: that is more than half of what a
canonicalisation costs (issue 17). Processing a context is a pure function of the active context, the local
context and a few options; when all of them come from the bundled static loader, the result is kept and
reused. Anything a document brings itself (an inline context, a context list mixing in one) bypasses the memo
and goes through PyLD unchanged, so a foreign document neither reaches nor grows it. The algorithm is still
PyLD's from end to end: the output is byte-identical (tests/services/crypto/test_rdfc.py checks it against
pyoxigraph's independent RDFC-1.0).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any

from pyld import jsonld

from badges.services.crypto import rdfc_native
from badges.services.openbadges.contexts import as_jsonld_error, document_loader, load_contexts

# A credential uses a dozen processed contexts; the OB 3.0, VC and status list contexts together a few dozen.
# Past this many, the least recently used is dropped: a stream of crafted context lists cannot grow memory.
MAX_PROCESSED_CONTEXTS = 256
# Scoped contexts (objects found in the term definitions of trusted contexts) known by identity; past this
# many, the memo starts afresh.
MAX_TRUSTED_SCOPED = 4096

_OPTIONS = {"algorithm": "URDNA2015", "format": "application/n-quads"}
_MISSING = object()
_PLAIN = frozenset({str, bool, int, float})
_COERCING = frozenset({"@type", "@language", "@direction"})


class _Memo:
    """Processed contexts by (active context, local context, options), all from the bundled loader."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # key -> (the local context objects the key names by identity, processed context)
        self.processed: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], dict[str, Any]]] = OrderedDict()
        # _uuid -> processed context: an active context is trusted only if the memo produced it.
        self.trusted: dict[str, dict[str, Any]] = {}
        # id -> scoped context object of a trusted context; the reference keeps the id from being reused.
        self.scoped: dict[int, Any] = {}

    def key(self, active_ctx: Any, local_ctx: Any, options: dict[str, Any]) -> tuple[Any, ...] | None:
        """None when anything comes from elsewhere than the bundled static loader."""
        if options.get("documentLoader") is not document_loader:
            return None
        uuid = active_ctx.get("_uuid")
        initial = jsonld.INITIAL_CONTEXTS.get(options.get("processingMode"))
        with self.lock:
            if active_ctx is not initial and self.trusted.get(uuid) is not active_ctx:
                return None
            parts: list[Any] = []
            for item in local_ctx if isinstance(local_ctx, list) else [local_ctx]:
                if isinstance(item, str) and item in load_contexts():
                    parts.append(item)
                elif isinstance(item, dict) and self.scoped.get(id(item)) is item:
                    parts.append(id(item))
                else:
                    return None
        if not parts:
            return None
        return (uuid, isinstance(local_ctx, list), tuple(parts), options.get("base"))

    def get(self, key: tuple[Any, ...], local_ctx: Any) -> dict[str, Any] | None:
        with self.lock:
            entry = self.processed.get(key)
            if entry is None or not _same_objects(entry[0], local_ctx):
                return None
            self.processed.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[Any, ...], local_ctx: Any, processed: dict[str, Any]) -> None:
        if "_uuid" not in processed:
            return
        items = local_ctx if isinstance(local_ctx, list) else [local_ctx]
        scoped = [
            definition["@context"]
            for definition in processed["mappings"].values()
            if definition and isinstance(definition.get("@context"), dict)
        ]
        with self.lock:
            fresh = {id(obj): obj for obj in scoped if id(obj) not in self.scoped}
            if len(self.scoped) + len(fresh) > MAX_TRUSTED_SCOPED:
                self.clear()
                fresh = {id(obj): obj for obj in scoped}
                if len(fresh) > MAX_TRUSTED_SCOPED:
                    return
            self.scoped.update(fresh)
            self.processed[key] = (tuple(items), processed)
            self.trusted[processed["_uuid"]] = processed
            while len(self.processed) > MAX_PROCESSED_CONTEXTS:
                _, (_, dropped) = self.processed.popitem(last=False)
                self.trusted.pop(dropped["_uuid"], None)

    def clear(self) -> None:
        self.processed.clear()
        self.trusted.clear()
        self.scoped.clear()

    def sizes(self) -> tuple[int, int, int]:
        """(processed contexts, trusted active contexts, trusted scoped contexts): what the bounds limit."""
        with self.lock:
            return len(self.processed), len(self.trusted), len(self.scoped)


def _same_objects(kept: tuple[Any, ...], local_ctx: Any) -> bool:
    items = local_ctx if isinstance(local_ctx, list) else [local_ctx]
    if len(kept) != len(items):
        return False
    return all(a is b or (isinstance(a, str) and a == b) for a, b in zip(kept, items, strict=True))


MEMO = _Memo()


class _Processor(jsonld.JsonLdProcessor):
    """PyLD with bundled contexts processed once, and the commonest term lookup taken on a short path."""

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> Any:
        base_key = MEMO.key(active_ctx, local_ctx, options)
        if base_key is None:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        key = (*base_key, override_protected, propagate, validate_scoped)
        processed = MEMO.get(key, local_ctx)
        if processed is None:
            processed = super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
            MEMO.put(key, local_ctx, processed)
        return processed

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: str | None = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: dict[str, bool] | None = None,
    ) -> Any:
        # PyLD's first steps outside context processing, in its order: a keyword (or what looks like one)
        # starts with "@"; a defined term expands to its mapping (None when nulled); then a value whose
        # scheme is followed by "//", or a blank node label, is returned as it is.
        if local_ctx is None and value.__class__ is str and value[:1] != "@":
            if vocab:
                mapping = active_ctx["mappings"].get(value, _MISSING)
                if mapping is not _MISSING:
                    return None if mapping is None else mapping["@id"]
            colon = value.find(":")
            if colon > 0 and (value.startswith("//", colon + 1) or (colon == 1 and value[0] == "_")):
                return value
        return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)

    def _expand_value(
        self, active_ctx: Any, active_property: Any, value: Any, options: dict[str, Any]
    ) -> Any:
        # PyLD's outcome for the commonest value: a string, boolean or number under a defined term that is no
        # keyword alias and coerces nothing (no @type, and no @language or @direction there or in the
        # context) is a plain value object.
        if value.__class__ in _PLAIN and active_property.__class__ is str and active_property[:1] != "@":
            mapping = active_ctx["mappings"].get(active_property)
            iri = mapping.get("@id") if mapping is not None else None
            if (
                iri.__class__ is str
                and iri[:1] != "@"
                and _COERCING.isdisjoint(mapping)
                and _COERCING.isdisjoint(active_ctx)
            ):
                return {"@value": value}
        return super()._expand_value(active_ctx, active_property, value, options)


class _Document(dict[str, Any]):
    """The input handed to PyLD's expand, which deep-copies it first: copied as the JSON tree it is, in a
    fraction of `copy.deepcopy`'s time (which honours `__deepcopy__`)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        copied: dict[str, Any] = _json_copy(dict(self))
        return copied


def _json_copy(value: Any) -> Any:
    kind = value.__class__
    if kind is dict:
        return {key: _json_copy(item) for key, item in value.items()}
    if kind is list:
        return [_json_copy(item) for item in value]
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    return copy.deepcopy(value)


def canonicalize(doc: dict[str, Any], *, reference: bool = False) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (docs/standards.md#S-data-integrity); raises
    JsonLdError. `reference` skips the pyoxigraph path: PyLD alone, from end to end."""
    with as_jsonld_error():
        # The expansion PyLD's normalize starts with (same options); its quads and their canonical form
        # from pyoxigraph when the expanded form is one both write alike (crypto/rdfc_native.py).
        if not reference:
            expanded = _Processor().expand(_Document(doc), {"base": "", "documentLoader": document_loader})
            try:
                return rdfc_native.canonical_nquads(expanded)
            except rdfc_native.Refused:
                pass
        # PyLD's default algorithm is the older URGNA2012, and 3.3.0 does not know the name "RDFC-1.0"
        # (docs/standards.md#S-pyld).
        result: str = _Processor().normalize(doc, {**_OPTIONS, "documentLoader": document_loader})
    return result
