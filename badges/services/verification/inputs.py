"""Turning raw verification input into a typed value, with size and depth limits first."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from badges.services.shared.input_limits import JWS_RE, MAX_INPUT_BYTES, TOO_LARGE
from badges.services.shared.messages import N_, Message, message

TOO_DEEP = message("input.too_deep", N_("Le document JSON est trop imbriqué (plus de %(max)s niveaux)."))
NOT_JSON = message("input.not_json", N_("Le document n'est pas du JSON valide : %(error)s."))
NOTHING = message("input.nothing", N_("Aucun badge n'a été fourni."))
NOT_AN_OBJECT = message("input.not_an_object", N_("Un badge au format JSON doit être un objet."))
UNKNOWN_FILE = message(
    "input.unknown_file", N_("Le fichier n'est ni une image PNG ou SVG, ni un texte UTF-8.")
)

MAX_JSON_DEPTH = 64
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class InputError(Exception):
    """The input cannot be read; `said` goes into the `parse` check (str(): French)."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.french)
        self.said = said


class InputTooLarge(InputError):
    """The input is over the verifier's one limit (MAX_INPUT_BYTES)."""

    def __init__(self) -> None:
        super().__init__(TOO_LARGE)


@dataclass(frozen=True)
class Parsed:
    kind: str  # "json", "jws", "url", "png", "svg"
    value: Any  # dict for json, str for jws/url, bytes for images


_STRUCTURE = re.compile(r'[\[\]{}"\\]')


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Scan brackets outside strings, so a deeply nested document is refused before json.loads.

    Only the structural characters are visited (a regex finds them), which keeps large documents cheap.
    """
    if text.count("[") + text.count("{") <= limit:
        return True
    depth, in_string, escaped_at = 0, False, -2
    for match in _STRUCTURE.finditer(text):
        ch, at = match.group(), match.start()
        if in_string:
            if ch == "\\" and escaped_at != at - 1:
                escaped_at = at
            elif ch == '"' and escaped_at != at - 1:
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def load_json(text: str) -> Any:
    if len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise InputTooLarge()
    if not json_depth_ok(text):
        raise InputError(TOO_DEEP(max=MAX_JSON_DEPTH))
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(NOT_JSON(error=str(exc))) from exc


def from_text(text: str) -> Parsed:
    """A pasted text: a URL, a compact JWS/JWT or a JSON credential."""
    stripped = text.strip()
    if not stripped:
        raise InputError(NOTHING)
    if stripped.startswith(("https://", "http://")) and len(stripped) <= 2048 and " " not in stripped:
        return Parsed("url", stripped)
    if JWS_RE.match(stripped):
        return Parsed("jws", stripped)
    if stripped.startswith("<"):
        return from_bytes(stripped.encode("utf-8"))
    value = load_json(stripped)
    return from_value(value)


def from_value(value: Any) -> Parsed:
    """A JSON value already parsed (API body): an object, or a string holding a JWS or URL."""
    if isinstance(value, str):
        return from_text(value)
    if not isinstance(value, dict):
        raise InputError(NOT_AN_OBJECT)
    return Parsed("json", value)


def from_bytes(data: bytes) -> Parsed:
    """An uploaded file: PNG, SVG, JSON or a JWS in a text file."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLarge()
    if data.startswith(PNG_MAGIC):
        return Parsed("png", data)
    head = data[:1024].lstrip()
    if head.startswith(b"<"):
        return Parsed("svg", data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(UNKNOWN_FILE) from exc
    return from_text(text)
