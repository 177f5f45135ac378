"""What each API route reads, declared next to it: its query parameters and the fields of its JSON body.

Anything else is refused with a 422 naming it, at every level of the body, so nothing a client sends is
silently dropped (a misspelt filter would otherwise answer as if it had filtered). A body shape maps each
field to what it holds: None (a value the service checks), a nested shape (an object), [shape] (a list of
such objects) or OPEN (a structure its service checks key by key itself, e.g. issuance rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, Final, TypeVar, cast

from flask import request

from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import CONTROL_CHARACTERS
from badges.web.api import json_body

UNKNOWN_PARAMETER = message("api.unknown_parameter", N_("Paramètre inconnu (acceptés : %(accepted)s)."))
UNKNOWN_PARAMETER_NONE = message("api.unknown_parameter_none", N_("Paramètre inconnu (acceptés : aucun)."))
UNKNOWN_FIELD = message("api.unknown_field", N_("Champ inconnu (acceptés : %(accepted)s)."))
UNKNOWN_FIELD_NONE = message("api.unknown_field_none", N_("Champ inconnu (acceptés : aucun)."))

F = TypeVar("F", bound=Callable[..., Any])
Shape = Mapping[str, Any]
OPEN: Final = "open"
NO_BODY: Final[Shape] = {}
# `lang` switches the language of the messages on every page (badges/web/i18n.py).
ALWAYS: Final = frozenset({"lang"})
PAGE: Final = ("page", "per_page")
ATTRIBUTE: Final = "api_input"
WRITES: Final = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Declared:
    query: frozenset[str]
    body: Shape
    # The verifier reads its own body (files, forms, JSON) and answers any input with a report.
    own_reader: bool = False


def accepts(
    *, query: tuple[str, ...] = (), body: Shape = NO_BODY, own_reader: bool = False
) -> Callable[[F], F]:
    """Declare the route's inputs; the request is checked before the view runs (after authentication)."""
    declared = Declared(frozenset(query) | ALWAYS, body, own_reader)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check_request(declared)
            return view(*args, **kwargs)

        setattr(wrapper, ATTRIBUTE, declared)
        return cast(F, wrapper)

    return decorate


def declared_inputs(view: Callable[..., Any]) -> Declared | None:
    found = getattr(view, ATTRIBUTE, None)
    return found if isinstance(found, Declared) else None


def check_request(declared: Declared) -> None:
    unknown = sorted(set(request.args) - declared.query)
    if unknown:
        accepted = ", ".join(sorted(declared.query - ALWAYS))
        said = UNKNOWN_PARAMETER(accepted=accepted) if accepted else UNKNOWN_PARAMETER_NONE
        raise InvalidInput({name: said for name in unknown})
    _refuse_nul({**(request.view_args or {}), **request.args})
    if declared.own_reader or request.method not in WRITES:
        return
    if declared.body is NO_BODY and not request.content_length:
        return
    body = json_body()
    errors = unknown_fields(body, declared.body, "")
    if errors:
        raise InvalidInput(errors)
    _refuse_nul(body)


def _refuse_nul(value: Any, path: str = "") -> None:
    """A NUL character anywhere in the path, the query or the body is a 422: PostgreSQL cannot store or even
    compare it (a lookup with one was a 500, found by schemathesis), so no database sees it."""
    errors = dict(_nul_paths(value, path))
    if errors:
        raise InvalidInput(errors)


def _nul_paths(value: Any, path: str) -> list[tuple[str, Message]]:
    if isinstance(value, str):
        return [(path or "body", CONTROL_CHARACTERS)] if "\x00" in value else []
    if isinstance(value, list):
        return [found for n, item in enumerate(value) for found in _nul_paths(item, f"{path}[{n}]")]
    if isinstance(value, dict):
        found: list[tuple[str, Message]] = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [(name, CONTROL_CHARACTERS)] if "\x00" in str(key) else _nul_paths(item, name)
        return found
    return []


def unknown_fields(value: Any, shape: Any, path: str) -> dict[str, Message]:
    """Every key of `value` the shape does not name, by its path (`results[2].note`)."""
    if shape is None or shape is OPEN:
        return {}
    if isinstance(shape, list):
        if not isinstance(value, list):
            return {}
        errors: dict[str, Message] = {}
        for position, item in enumerate(value):
            errors.update(unknown_fields(item, shape[0], f"{path}[{position}]"))
        return errors
    if not isinstance(value, dict):
        return {}
    errors = {}
    for key, item in value.items():
        name = f"{path}.{key}" if path else key
        if key in shape:
            errors.update(unknown_fields(item, shape[key], name))
        else:
            errors[name] = UNKNOWN_FIELD(accepted=", ".join(shape)) if shape else UNKNOWN_FIELD_NONE
    return errors
