"""The one Jinja environment that renders every e-mail (delivery, invitations, resets): templates/email."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"


@functools.cache
def environment() -> Environment:
    """HTML parts autoescaped, plain-text parts kept as written; a missing variable is an error."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
