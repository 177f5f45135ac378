"""Untrusted JSON bodies read safely: size, depth, encoding, duplicate keys and NaN refused, never a crash."""

from __future__ import annotations

import json
import re
from typing import Any

from badges.services.shared.errors import InvalidInput, TooLarge
from badges.services.shared.messages import N_, Message, message

MAX_DEPTH = 32
FIELD = "body"
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
UNREADABLE = message(
    "json.unreadable", N_("Le corps de la requête n'est pas lisible : rien n'a été enregistré.")
)
DUPLICATE_KEY = message("json.duplicate_key", N_("La clé « %(key)s » apparaît deux fois dans le même objet."))
CONSTANT = message("json.constant", N_("La valeur %(name)s n'est pas du JSON : nombre fini attendu."))
TOO_DEEP = message("json.too_deep", N_("Le document JSON est trop imbriqué (plus de %(max)s niveaux)."))
NOT_UTF8 = message(
    "json.not_utf8", N_("Le corps de la requête n'est pas en UTF-8 (octet invalide à la position %(at)s).")
)
SYNTAX = message("json.syntax", N_("JSON invalide ligne %(line)s, colonne %(column)s : %(error)s."))
LIMITS = message("json.limits", N_("JSON invalide : une valeur dépasse les limites acceptées."))
BODY_TOO_LARGE = message("json.too_large", N_("Le corps de la requête dépasse %(size)s."))
MEGABYTES = message("size.megabytes", N_("%(count)s Mo"))
BYTES = message("size.bytes", N_("%(count)s octets"))


def depth_ok(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Scan the brackets outside strings on the raw bytes, so a too-deep document never reaches json.loads.

    Only the structural bytes are visited (a regex finds them); UTF-8 never uses these byte values inside a
    multi-byte character, so scanning bytes is exact.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return True
    depth, in_string, escaped_at = 0, False, -2
    for match in _STRUCTURE.finditer(raw):
        ch, at = match.group(), match.start()
        if in_string:
            if ch == b"\\" and escaped_at != at - 1:
                escaped_at = at
            elif ch == b'"' and escaped_at != at - 1:
                in_string = False
        elif ch == b'"':
            in_string = True
        elif ch in b"[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in b"]}":
            depth -= 1
    return True


def _refuse(said: Message) -> InvalidInput:
    return InvalidInput({FIELD: said}, UNREADABLE)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """RFC 8259 §4 leaves duplicate names undefined: refuse them rather than keep one silently."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _refuse(DUPLICATE_KEY(key=key[:100]))
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (RFC 8259 §6), though Python's parser accepts them."""
    raise _refuse(CONSTANT(name=name))


def read_json(raw: bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of `raw`, or TooLarge (413) / InvalidInput (422) with a precise French message."""
    check_size(len(raw), max_bytes)
    if not depth_ok(raw, max_depth):
        raise _refuse(TOO_DEEP(max=max_depth))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(NOT_UTF8(at=exc.start)) from exc
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise _refuse(SYNTAX(line=exc.lineno, column=exc.colno, error=exc.msg)) from exc
    except (ValueError, RecursionError) as exc:
        # Integers longer than Python's 4300-digit limit, and any recursion left despite the depth check.
        raise _refuse(LIMITS) from exc


def check_size(length: int, max_bytes: int) -> None:
    if length > max_bytes:
        raise TooLarge(BODY_TOO_LARGE(size=_size(max_bytes)))


def _size(limit: int) -> Message:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return MEGABYTES(count=limit // (1024 * 1024))
    return BYTES(count=limit)
