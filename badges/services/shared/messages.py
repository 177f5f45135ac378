"""Messages with codes: services say *what* happened (a code, a French template, its parameters); the edge
says it in the reader's language.

A service declares its messages once, at module level, next to the code that raises them:

    BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
    ...
    raise NotFound(BADGE_NOT_FOUND)
    raise RuleError(TOO_MANY_LINKS(count=MAX_ACTIVE_LINKS))

`N_` only marks the French text for `pybabel extract` (babel.cfg, `-k N_`); the web layer renders a message
with `message.render(flask_babel.gettext)`, the CLI and the logs with `message.french`. Parameters that are
user data (names, codes, dates) are passed as parameters, never concatenated into the template; a parameter
may itself be a Message (a nested reason), rendered in the same language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# What the edge passes to render a template in the reader's language (flask_babel.gettext, for instance).
Translate = Callable[[str], str]

# Every message declared with `message()`, by code: the i18n test walks them.
DECLARED: dict[str, Message] = {}


def N_(template: str) -> str:
    """Marks a French template for extraction; the text is translated when rendered, at the edge."""
    return template


def french(template: str) -> str:
    """The identity translation: templates are written in French."""
    return template


@dataclass(frozen=True)
class Message:
    code: str
    template: str
    params: Mapping[str, object] = field(default_factory=dict)
    # Characters taken off the end once rendered (a nested sentence inside parentheses loses its full stop).
    trim: str = ""

    def __hash__(self) -> int:
        # Parameters are a dict (unhashable); equal messages share code, template and trim.
        return hash((self.code, self.template, self.trim))

    def __call__(self, **params: object) -> Message:
        """The same message with (more) parameters (built directly: dataclasses.replace inspects the
        fields on every call, and a verification report makes several of these, issue 17)."""
        return Message(self.code, self.template, {**self.params, **params}, self.trim)

    with_params = __call__

    def trimmed(self, chars: str) -> Message:
        return Message(self.code, self.template, self.params, chars)

    def render(self, translate: Translate = french) -> str:
        text = translate(self.template)
        if self.params:
            text = text % {
                name: value.render(translate) if isinstance(value, Message) else value
                for name, value in self.params.items()
            }
        return text.rstrip(self.trim) if self.trim else text

    @property
    def french(self) -> str:
        return self.render()

    def __str__(self) -> str:
        return self.french


def message(code: str, template: str) -> Message:
    """Declare a message (once per code; the same code may not carry two texts)."""
    known = DECLARED.get(code)
    if known is not None and known.template != template:
        raise ValueError(f"message code {code!r} declared twice with different texts")
    declared = DECLARED[code] = Message(code, template)
    return declared


def render_all(messages: Mapping[str, Message], translate: Translate = french) -> dict[str, str]:
    """A {field: text} dict, for a form or a JSON answer."""
    return {name: value.render(translate) for name, value in messages.items()}


def codes(messages: Mapping[str, Message]) -> dict[str, str]:
    return {name: value.code for name, value in messages.items()}
