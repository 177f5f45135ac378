"""Beneficiary CSV rows: short lines read as empty cells, a line with too many cells is a row error."""

import pytest

from badges.services.programme import beneficiary_import
from badges.services.shared.errors import RowErrors


def test_a_short_line_leaves_its_last_cells_empty_and_french_excel_is_read():
    text = " Prenom_ou_alias ;email;accord\r\nNadia\r\nOmar;;oui\r\nZoé;zoe@example.org;non\r\n"
    raw = text.encode("cp1252")
    lines, rows = zip(*beneficiary_import.checked(raw), strict=True)
    assert lines == (2, 3, 4)
    assert [row["display_name"] for row in rows] == ["Nadia", "Omar", "Zoé"]
    assert [row["consent"] for row in rows] == [False, True, False]
    assert "email" not in rows[0] and rows[2]["email"] == "zoe@example.org"


def test_a_line_with_more_cells_than_columns_is_refused_with_its_number():
    raw = b"prenom_ou_alias;accord\r\nNadia;oui\r\nOmar;oui;en trop\r\n"
    with pytest.raises(RowErrors) as caught:
        beneficiary_import.checked(raw)
    assert caught.value.rows == [
        {"row": 3, "field": "ligne", "message": "Cette ligne a plus de cases que de colonnes."}
    ]
