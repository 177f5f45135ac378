"""Small field validators that collect French messages per field before anything is written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
DEPARTMENT_RE = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
LEVELS = ("N1", "N2", "N3", "N4")


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
        self.errors: dict[str, str] = {}

    def text(self, name: str, *, max_len: int, required: bool = True, default: str = "") -> str:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.errors[name] = "Ce champ est obligatoire."
            return default
        if not isinstance(value, str):
            self.errors[name] = "Ce champ doit être un texte."
            return default
        value = value.strip()
        if len(value) > max_len:
            self.errors[name] = f"Ce champ dépasse {max_len} caractères."
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            self.errors[name] = "Ce champ contient des caractères de contrôle."
        return value

    def email(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, max_len=254, required=required)
        if value and not EMAIL_RE.match(value):
            self.errors[name] = "Adresse e-mail invalide."
        return value.lower() if value else None

    def pattern(
        self, name: str, regex: re.Pattern[str], message: str, *, required: bool = True
    ) -> str | None:
        value = self.text(name, max_len=200, required=required)
        if value and not regex.match(value):
            self.errors[name] = message
        return value or None

    def url(self, name: str, *, required: bool = True) -> str | None:
        value = self.text(name, max_len=500, required=required)
        if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
            self.errors[name] = "Adresse web invalide (elle doit commencer par https://)."
        return value or None

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None and not required:
            return None
        if value not in choices:
            self.errors[name] = "Valeur attendue : " + ", ".join(choices) + "."
            return None
        return str(value)

    def integer(self, name: str, *, minimum: int, maximum: int, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.errors[name] = "Ce champ est obligatoire."
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.errors[name] = "Nombre entier attendu."
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[name] = "Nombre entier attendu."
            return None
        if not minimum <= number <= maximum:
            self.errors[name] = f"Nombre attendu entre {minimum} et {maximum}."
        return number

    def date(self, name: str, *, required: bool = True) -> date | None:
        """An ISO date (AAAA-MM-JJ)."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.errors[name] = "Ce champ est obligatoire."
            return None
        parsed = _iso_date(value)
        if parsed is None:
            self.errors[name] = "Date attendue au format AAAA-MM-JJ."
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
            self.errors[name] = f"Liste de {max_items} textes au plus ({max_len} caractères chacun) attendue."
            return []
        return [v.strip() for v in value]

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if isinstance(value, bool):
            return value
        self.errors[name] = "Valeur attendue : true ou false."
        return default

    def check(self) -> None:
        from badges.services.shared.errors import InvalidInput

        if self.errors:
            raise InvalidInput(dict(self.errors))
