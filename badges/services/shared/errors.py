"""The services' small exception hierarchy, mapped to HTTP answers by the web layer.

Each error carries Messages (a code, a French template, parameters): the web layer renders them in the
reader's language; `.message` and `.fields` give the French text (CLI, logs)."""

from __future__ import annotations

from collections.abc import Mapping

from badges.services.shared.messages import N_, Message, message, render_all

INVALID = message("input.invalid", N_("Certaines données sont invalides."))
IMPORT_REFUSED = message("import.refused", N_("Import refusé : rien n'a été enregistré."))


class ServiceError(Exception):
    """Base class: `said` is the Message, safe to show to the user; `message` is its French text."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.french)
        self.said = said

    @property
    def message(self) -> str:
        return self.said.french


class NotFound(ServiceError):
    """The object does not exist, or is not visible to the caller (never leak which)."""


class InvalidInput(ServiceError):
    """Input failed validation; `field_messages` maps each field name to its Message (`fields`: French)."""

    def __init__(self, fields: Mapping[str, Message], said: Message = INVALID) -> None:
        super().__init__(said)
        self.field_messages = dict(fields)

    @property
    def fields(self) -> dict[str, str]:
        return render_all(self.field_messages)


class RowErrors(InvalidInput):
    """An import was refused as a whole: one entry per bad row, nothing was written.

    `said_rows` lists {"row": n or None for the file's own fields, "field": name, "message": Message};
    `rows` is the same list with the French text.
    """

    def __init__(self, rows: list[dict[str, object]]) -> None:
        fields = {
            (f"ligne {r['row']} : {r['field']}" if r["row"] is not None else str(r["field"])): _said(r)
            for r in rows
        }
        super().__init__(fields, IMPORT_REFUSED)
        self.said_rows = rows

    @property
    def rows(self) -> list[dict[str, object]]:
        return [{**row, "message": _said(row).french} for row in self.said_rows]


def _said(row: Mapping[str, object]) -> Message:
    said = row["message"]
    if not isinstance(said, Message):
        raise TypeError("a row error's message is a Message")
    return said


class TooLarge(ServiceError):
    """The input is larger than the limit of what reads it (413)."""


class NotAllowed(ServiceError):
    """The caller's role may not do this, whatever the object (403): e.g. only the coordination makes
    partner agencies and counsellor accounts."""


class RuleError(ServiceError):
    """A domain rule forbids the operation (no consent, already awarded, ...)."""


class Conflict(RuleError):
    """The operation would duplicate something that must exist once."""


class TooManyAttempts(ServiceError):
    """The caller tried too often lately (unknown claim codes, for instance); nothing was looked up."""
