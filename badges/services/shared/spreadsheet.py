"""CSV as spreadsheets read it: written cells never run as formulas, hostile files are row errors, never 500s.

Writing (OWASP "CSV injection"): a cell starting with = + - @ tab or CR is prefixed with an apostrophe, so
Excel and LibreOffice show it as text. A cell already starting with an apostrophe gets one too, so that
`restore` (used by every import) gives back exactly the written value: an export re-imports as it was.

Reading: csv.field_size_limit is process-wide and raises `_csv.Error`; this module checks the sizes itself
and reports undecodable bytes, NUL, a bare CR, an oversized line or cell and broken quoting as row errors.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from badges.services.shared.errors import RowErrors
from badges.services.shared.messages import N_, Message, message

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
DELIMITER = ";"
# A record (one line, or several inside quotes) longer than this cannot be a row of ours: refused while
# reading, long before the csv module's own (process-wide, 131,072) field limit could raise.
MAX_RECORD_CHARS = 20_000
# A CR without its LF, or a C0 control character a text cell never holds (tab and line ends are fine).
_HOSTILE = re.compile(r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f]")
CELL_TOO_LONG = message("csv.cell_too_long", N_("Une case dépasse %(max)s caractères."))
LINE_TOO_LONG = message("csv.line_too_long", N_("La ligne dépasse %(max)s caractères."))
QUOTES = message(
    "csv.quotes",
    N_("Guillemets mal placés : entourez la case de guillemets et doublez ceux qu'elle contient."),
)
UNDECODABLE = message("csv.encoding", N_("Caractères illisibles : enregistrez le fichier en CSV UTF-8."))
BARE_CR = message(
    "csv.bare_cr",
    N_("Retour chariot seul (CR) : enregistrez le fichier en CSV avec des fins de ligne usuelles."),
)
NUL = message("csv.nul", N_("Caractère nul (NUL) : ce n'est pas un fichier texte."))
CONTROL = message(
    "csv.control", N_("Caractère de contrôle invisible : ce n'est pas un fichier texte ordinaire.")
)


def neutralise(value: object) -> str:
    """The cell as written: text that a spreadsheet would evaluate gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return ESCAPE + text if text.startswith((*FORMULA_STARTS, ESCAPE)) else text


def restore(cell: str) -> str:
    """The value `neutralise` was given (a cell without the escape is kept as it is)."""
    if len(cell) > 1 and cell[0] == ESCAPE and cell[1] in (*FORMULA_STARTS, ESCAPE):
        return cell[1:]
    return cell


class Writer:
    """csv.writer's writerow, `;`-separated (French Excel) and CRLF, with every cell neutralised."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])


def write(rows: Iterable[Sequence[object]], *, bom: bool = False) -> str:
    """Rows as CSV text (see Writer); the BOM makes Excel read UTF-8."""
    out = io.StringIO()
    writer = Writer(out)
    for row in rows:
        writer.writerow(row)
    return ("\ufeff" if bom else "") + out.getvalue()


@dataclass(frozen=True, slots=True)
class Record:
    """One line under the header: its number, its cells by column name, and whether it had more cells."""

    number: int
    cells: dict[str, str]
    extra: bool


@dataclass(frozen=True)
class Table:
    """A read file: its header cells and its records, each with its line number (the header is line 1)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]

    def columns(self, *, lower: bool = False) -> list[str]:
        """The header's names, trimmed (and in lower case if asked)."""
        return [name.strip().lower() if lower else name.strip() for name in self.header]

    def records(self, columns: list[str]) -> Iterator[Record]:
        """Each line's cells by column name; a short line's last cells are empty, as a spreadsheet shows."""
        for number, cells in self.rows:
            named = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(columns)}
            yield Record(number, named, extra=len(cells) > len(columns))


def read(raw: bytes, *, field: str, max_cell_chars: int, windows_1252: bool = False) -> Table:
    """Decode and parse a CSV file (`;` or `,`, guessed from the header); RowErrors on anything hostile.

    `field` names the file in the errors; `windows_1252` also accepts what French Excel often saves.
    """
    text = _decode(raw, field=field, windows_1252=windows_1252)
    _check_characters(text, field=field)
    first_line = text.split("\n", 1)[0]
    delimiter = DELIMITER if first_line.count(";") > first_line.count(",") else ","
    budget = _Budget(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(csv.reader(budget, delimiter=delimiter), start=1):
            budget.used = 0
            if not record:
                continue  # a blank line, as csv.DictReader skips it
            if any(len(cell) > max_cell_chars for cell in record):
                raise _error(number, field, CELL_TOO_LONG(max=max_cell_chars))
            records.append((number, [restore(cell) for cell in record]))
    except _TooLong:
        raise _error(len(records) + 1, field, LINE_TOO_LONG(max=MAX_RECORD_CHARS)) from None
    except csv.Error:
        # Whatever the csv module still refuses: an unclosed quote reaching the end of the file, for instance.
        raise _error(len(records) + 1, field, QUOTES) from None
    if not records:
        return Table([], [])
    return Table(records[0][1], records[1:])


class _TooLong(Exception):
    pass


class _Budget:
    """The lines the csv reader pulls, counting the characters of the record being read."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines, self.used = lines, 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.used += len(line)
        if self.used > MAX_RECORD_CHARS:
            raise _TooLong
        return line


def _error(row: int, field: str, said: Message) -> RowErrors:
    return RowErrors([{"row": row, "field": field, "message": said}])


def _decode(raw: bytes, *, field: str, windows_1252: bool) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if windows_1252:
            try:
                return raw.decode("cp1252")
            except UnicodeDecodeError:
                pass
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _error(line, field, UNDECODABLE) from None


def _check_characters(text: str, *, field: str) -> None:
    """NUL, other control characters and a CR not followed by LF are refused, with their line."""
    found = _HOSTILE.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    said = BARE_CR if found.group() == "\r" else NUL if found.group() == "\x00" else CONTROL
    raise _error(line, field, said)
