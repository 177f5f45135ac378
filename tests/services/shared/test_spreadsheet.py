"""Spreadsheet cells: neutralised formulas that read back as written, and hostile files as row errors."""

from __future__ import annotations

import csv

import pytest

from badges.services.shared import spreadsheet
from badges.services.shared.errors import RowErrors

HOSTILE = [
    "=cmd|'/c calc'!A1",
    '=HYPERLINK("http://evil.example","Cliquez")',
    "+33 6 12 34 56 78",
    "-5",
    "@SUM(A1:A2)",
    "\tTab",
    "\rRetour",
    "'déjà une apostrophe",
    "''deux",
    "'",
    "Texte ordinaire ; avec « guillemets »",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_never_starts_as_a_formula_and_restores_to_its_value(value):
    cell = spreadsheet.neutralise(value)
    assert not cell.startswith(spreadsheet.FORMULA_STARTS)
    assert spreadsheet.restore(cell) == value


def test_plain_values_are_written_as_they_are():
    assert [spreadsheet.neutralise(v) for v in ("Awa", "5", 12, None, "a=b")] == ["Awa", "5", "12", "", "a=b"]


def test_written_rows_read_back_as_they_were():
    rows = [["valeur", "autre"], *[[value, "x"] for value in HOSTILE if "\r" not in value]]
    table = spreadsheet.read(spreadsheet.write(rows, bom=True).encode(), field="csv", max_cell_chars=100)
    assert [table.header, *[cells for _, cells in table.rows]] == rows
    assert [number for number, _ in table.rows] == list(range(2, len(rows) + 1))


def _error(raw: bytes, **options) -> dict[str, object]:
    with pytest.raises(RowErrors) as caught:
        spreadsheet.read(raw, field="csv", max_cell_chars=options.pop("max_cell_chars", 1000), **options)
    (row,) = caught.value.rows
    return row


@pytest.mark.parametrize(
    ("raw", "row", "message"),
    [
        (b"a;b\r\nx;" + b"y" * 200_000 + b"\r\n", 2, "La ligne dépasse 20000 caractères."),
        (b'a;b\r\nx;"' + b"y\r\n" * 10_000 + b'"\r\n', 2, "La ligne dépasse 20000 caractères."),
        (b"a;b\r\nx;" + b"y" * 1001 + b"\r\n", 2, "Une case dépasse 1000 caractères."),
        (b"a;b\r\nx;caf\xc3\r\n", 2, "Caractères illisibles : enregistrez le fichier en CSV UTF-8."),
        (b"a;b\r\nx;y\r\nx;un\rdeux\r\n", 3, "Retour chariot seul (CR)"),
        (b"a;b\r\nx;un\x00deux\r\n", 2, "Caractère nul (NUL)"),
        (b"a;b\r\nx;un\x1bdeux\r\n", 2, "Caractère de contrôle invisible"),
    ],
)
def test_hostile_files_are_row_errors(raw, row, message):
    error = _error(raw)
    assert error["row"] == row and error["field"] == "csv"
    assert str(error["message"]).startswith(message)


def test_windows_1252_is_read_only_when_asked_and_undefined_bytes_stay_refused():
    raw = "a;b\r\nx;café\r\n".encode("cp1252")
    assert _error(raw)["row"] == 2
    assert spreadsheet.read(raw, field="csv", max_cell_chars=10, windows_1252=True).rows == [
        (2, ["x", "café"])
    ]
    assert _error(b"a;b\r\nx;\x81\r\n", windows_1252=True)["message"].startswith("Caractères illisibles")


def test_a_lowered_process_wide_field_limit_still_gives_a_row_error():
    previous = csv.field_size_limit(10)
    try:
        error = _error(b"a;b\r\nx;" + b"y" * 50 + b"\r\n")
    finally:
        csv.field_size_limit(previous)
    assert error["row"] == 2 and str(error["message"]).startswith("Guillemets mal placés")


def test_records_name_cells_by_column_and_tell_a_line_with_too_many_cells():
    raw = "\ufeff Code ;TITRE\r\nA;Un\r\n\r\nB\r\nC;Trois;de trop\r\n".encode()
    table = spreadsheet.read(raw, field="csv", max_cell_chars=100)
    assert table.columns() == ["Code", "TITRE"] and table.columns(lower=True) == ["code", "titre"]
    found = [(r.number, r.cells, r.extra) for r in table.records(table.columns(lower=True))]
    assert found == [
        (2, {"code": "A", "titre": "Un"}, False),
        (4, {"code": "B", "titre": ""}, False),
        (5, {"code": "C", "titre": "Trois"}, True),
    ]
