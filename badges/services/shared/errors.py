"""The services' small exception hierarchy, mapped to HTTP answers by the web layer."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: `message` is French and safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The object does not exist, or is not visible to the caller (never leak which)."""


class InvalidInput(ServiceError):
    """Input failed validation; `fields` maps each field name to its French message."""

    def __init__(self, fields: dict[str, str], message: str = "Certaines données sont invalides.") -> None:
        super().__init__(message)
        self.fields = fields


class RowErrors(InvalidInput):
    """An import was refused as a whole: one entry per bad row, nothing was written.

    `rows` lists {"row": n or None for the file's own fields, "field": name, "message": French text}.
    """

    def __init__(self, rows: list[dict[str, object]]) -> None:
        fields = {
            (f"ligne {r['row']} : {r['field']}" if r["row"] is not None else str(r["field"])): str(
                r["message"]
            )
            for r in rows
        }
        super().__init__(fields, "Import refusé : rien n'a été enregistré.")
        self.rows = rows


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
