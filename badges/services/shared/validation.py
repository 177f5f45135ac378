"""Small field validators that collect a Message per field before anything is written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from badges.services.shared.messages import N_, Message, message

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DEPARTMENT_RE = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
LEVELS = ("N1", "N2", "N3", "N4")

REQUIRED = message("field.required", N_("Ce champ est obligatoire."))
NOT_TEXT = message("field.not_text", N_("Ce champ doit être un texte."))
TOO_LONG = message("field.too_long", N_("Ce champ dépasse %(max)s caractères."))
CONTROL_CHARACTERS = message("field.control_characters", N_("Ce champ contient des caractères de contrôle."))
BAD_EMAIL = message("field.email", N_("Adresse e-mail invalide."))
BAD_URL = message("field.url", N_("Adresse web invalide (elle doit commencer par https://)."))
NOT_A_CHOICE = message("field.choice", N_("Valeur attendue : %(choices)s."))
NOT_AN_INTEGER = message("field.integer", N_("Nombre entier attendu."))
OUT_OF_RANGE = message("field.range", N_("Nombre attendu entre %(min)s et %(max)s."))
NOT_A_DATE = message("field.date", N_("Date attendue au format AAAA-MM-JJ."))
BAD_TEXT_LIST = message(
    "field.text_list", N_("Liste de %(max_items)s textes au plus (%(max_len)s caractères chacun) attendue.")
)
BAD_DEPARTMENT = message("field.department", N_("Numéro de département invalide (ex. 94, 2A, 974)."))
NOT_A_BOOLEAN = message("field.boolean", N_("Valeur attendue : true ou false."))


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Fields:
    """Collects field errors; `check()` raises InvalidInput once with all of them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, Message] = {}

    def text(self, name: str, *, max_len: int, required: bool = True, default: str = "") -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors[name] = REQUIRED
            return default
        if not isinstance(value, str):
            self.errors[name] = NOT_TEXT
            return default
        value = value.strip()
        if len(value) > max_len:
            self.errors[name] = TOO_LONG(max=max_len)
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            self.errors[name] = CONTROL_CHARACTERS
        return value

    def email(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, max_len=254, required=required)
        if value and not EMAIL_RE.match(value):
            self.errors[name] = BAD_EMAIL
        return value.lower() if value else None

    def pattern(
        self, name: str, regex: re.Pattern[str], said: Message, *, required: bool = True
    ) -> str | None:
        value = self.text(name, max_len=200, required=required)
        if value and not regex.match(value):
            self.errors[name] = said
        return value or None

    def url(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, max_len=500, required=required)
        if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
            self.errors[name] = BAD_URL
        return value or None

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        if value not in choices:
            self.errors[name] = NOT_A_CHOICE(choices=", ".join(choices))
            return None
        return str(value)

    def integer(self, name: str, *, minimum: int, maximum: int, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.errors[name] = REQUIRED
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.errors[name] = NOT_AN_INTEGER
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[name] = NOT_AN_INTEGER
            return None
        if not minimum <= number <= maximum:
            self.errors[name] = OUT_OF_RANGE(min=minimum, max=maximum)
        return number

    def date(self, name: str, *, required: bool = True) -> date | None:
        """An ISO date (AAAA-MM-JJ)."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.errors[name] = REQUIRED
            return None
        parsed = _iso_date(value)
        if parsed is None:
            self.errors[name] = NOT_A_DATE
        return parsed

    def text_list(self, name: str, *, max_items: int, max_len: int) -> list[str]:
        """A list of short non-empty texts (criteria, tags, ...)."""
        value = self.data.get(name, [])
        if value is None:
            return []
        if (
            not isinstance(value, list)
            or len(value) > max_items
            or not all(isinstance(v, str) and v.strip() and len(v.strip()) <= max_len for v in value)
        ):
            self.errors[name] = BAD_TEXT_LIST(max_items=max_items, max_len=max_len)
            return []
        return [v.strip() for v in value]

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        self.errors[name] = NOT_A_BOOLEAN
        return default

    def check(self) -> None:
        from badges.services.shared.errors import InvalidInput

        if self.errors:
            raise InvalidInput(dict(self.errors))
