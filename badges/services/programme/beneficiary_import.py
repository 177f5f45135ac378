"""CSV import of beneficiaries: every row is checked first; one bad row refuses the whole file.

The staff screen checks the file in the request and leaves the storing to a job (jobs/imports.py).

Columns (header line, `;` or `,`): prenom_ou_alias (required), email, telephone, profil, appui_francais
(oui/non), accord (oui/non). Unknown columns are refused, so nothing docs/domain.md#D-gdpr-minimisation
forbids (NIR, nationality, France Travail id, ...) can come in through a spreadsheet.
"""

from __future__ import annotations

from typing import Any

from badges.services.programme import beneficiaries
from badges.services.shared import spreadsheet
from badges.services.shared.errors import InvalidInput, RowErrors
from badges.services.shared.messages import N_, Message, message

FILE_TOO_LARGE = message("import.file_too_large", N_("Le fichier dépasse %(kb)s Ko."))
HEADER = message("import.header", N_("La première ligne doit nommer les colonnes, dont « prenom_ou_alias »."))
UNKNOWN_COLUMNS = message("import.unknown_columns", N_("Colonnes non collectées : %(columns)s."))
EXTRA_CELLS = message("import.extra_cells", N_("Cette ligne a plus de cases que de colonnes."))
YES_OR_NO = message("import.yes_or_no", N_("Écrivez oui ou non."))
TOO_MANY_ROWS = message("import.too_many_rows", N_("Le fichier dépasse %(max)s lignes."))
NOBODY = message("import.nobody", N_("Le fichier ne contient aucune personne."))

MAX_BYTES = 512 * 1024
MAX_ROWS = 500
COLUMNS = {
    "prenom_ou_alias": "display_name",
    "email": "email",
    "telephone": "phone",
    "profil": "profile",
    "appui_francais": "needs_french_support",
    "accord": "consent",
}
COLUMN_OF = {name: column for column, name in COLUMNS.items()}
FLAGS = ("needs_french_support", "consent")
YES, NO = ("oui", "o", "yes", "1", "vrai"), ("non", "n", "no", "0", "faux", "")


FIELD = "fichier"
# The longest value a valid cell holds (a name, an e-mail, a phone number, a profile, oui/non).
MAX_CELL_CHARS = 1_000


def _file_error(said: Message) -> RowErrors:
    return RowErrors([{"row": None, "field": FIELD, "message": said}])


def _rows(raw: bytes) -> list[spreadsheet.Record]:
    """The records, their cells named by column, with their line."""
    if len(raw) > MAX_BYTES:
        raise _file_error(FILE_TOO_LARGE(kb=MAX_BYTES // 1024))
    # Excel in French often saves as Windows-1252.
    table = spreadsheet.read(raw, field=FIELD, max_cell_chars=MAX_CELL_CHARS, windows_1252=True)
    header = table.columns(lower=True)
    unknown = [h for h in header if h not in COLUMNS]
    if "prenom_ou_alias" not in header:
        raise _file_error(HEADER)
    if unknown:
        raise _file_error(UNKNOWN_COLUMNS(columns=", ".join(unknown)))
    return list(table.records(header))


def _data(record: spreadsheet.Record) -> tuple[dict[str, Any], dict[str, Message]]:
    """One CSV row as beneficiaries.validate reads it; yes/no columns become booleans."""
    data: dict[str, Any] = {}
    errors: dict[str, Message] = {}
    for column, value in record.cells.items():
        name, text = COLUMNS[column], value.strip()
        if name in FLAGS:
            if text.lower() not in YES + NO:
                errors[name] = YES_OR_NO
            data[name] = text.lower() in YES
        elif text:
            data[name] = text
    if record.extra:
        errors["ligne"] = EXTRA_CELLS
    return data, errors


def checked(raw: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows with their line in the file, each validated (create_beneficiary's data); RowErrors lists
    every bad row. The staff import stages them for a job (jobs/imports.py)."""
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[dict[str, object]] = []
    for position, record in enumerate(_rows(raw), start=1):
        if position > MAX_ROWS:
            raise _file_error(TOO_MANY_ROWS(max=MAX_ROWS))
        data, errors = _data(record)
        try:
            beneficiaries.validate({k: v for k, v in data.items() if k not in errors})
        except InvalidInput as exc:
            errors.update(exc.field_messages)
        problems += [
            {"row": record.number, "field": COLUMN_OF.get(f, f), "message": m} for f, m in errors.items()
        ]
        rows.append((record.number, data))
    if not rows and not problems:
        raise _file_error(NOBODY)
    if problems:
        raise RowErrors(problems)
    return rows
