"""API CSV files: the framework export cannot run as formulas and imports back; hostile imports are 422."""

from __future__ import annotations

import csv
import io
import random

import pytest
from sqlalchemy import func, select

from badges.models import Framework
from badges.services.programme import framework_io
from badges.services.shared import spreadsheet
from tests.factories import make_issuer, make_staff

# Values a spreadsheet would evaluate, and legitimate ones that look alike (a phone number, a negative).
HOSTILE_DOCUMENT = {
    "slug": "piege",
    "version": "1",
    "name": "Référentiel piégé",
    "kind": "reference",
    "competencies": [
        {
            "code": "P-1",
            "title": "=cmd|'/c calc'!A1",
            "area": "+33 6 12 34 56 78",
            "falc_description": "-5",
            "level": "N2",
            "criteria": ["@SUM(A1:A2)", "'déjà une apostrophe"],
            "alignments": [],
        },
        {
            "code": "P-2",
            "title": '=HYPERLINK("http://evil.example","Cliquez")',
            "area": "Ordinaire",
            "falc_description": "",
            "level": None,
            "criteria": [],
            "alignments": [{"framework": "pix-crcn", "code": "2.1", "role": "principal"}],
        },
    ],
}
# Each hostile file has its header on line 1 and the bad content on line 2 (random bytes aside).
HEADER = b"code;title\r\n"
HOSTILE_FILES = [
    ("cellule-200-ko", HEADER + b"A;" + b"x" * 200_000 + b"\r\n", 2, "La ligne dépasse"),
    (
        "cellule-200-ko-entre-guillemets",
        HEADER + b'A;"' + b"x\r\n" * 70_000 + b'"\r\n',
        2,
        "La ligne dépasse",
    ),
    ("octets-au-hasard", random.Random(7).randbytes(4096), None, ""),
    ("octets-non-utf8", HEADER + b"A;caf\xe9\r\n", 2, "Caractères illisibles"),
    ("cr-seul", HEADER + b"A;un\rdeux\r\n", 2, "Retour chariot seul"),
    ("nul", HEADER + b"A;un\x00deux\r\n", 2, "Caractère nul"),
]


@pytest.fixture
def headers(session, keyring, links, now):
    framework_io.load_defaults(session)
    _, token = make_staff(session, make_issuer(session, keyring, links, now), now)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def framework_count(session) -> int:
    session.rollback()
    return int(session.scalar(select(func.count(Framework.id))) or 0)


def cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";") for cell in row]


def test_framework_csv_export_runs_no_formula_and_imports_back_as_it_was(client, headers):
    assert client.post("/api/v1/frameworks", json=HOSTILE_DOCUMENT, headers=headers).status_code == 201
    exported = client.get("/api/v1/frameworks/piege/export.csv", headers=headers)
    assert exported.status_code == 200
    written = cells(exported.get_data(as_text=True))
    assert "'=cmd|'/c calc'!A1" in written and "'+33 6 12 34 56 78" in written and "'-5" in written
    assert not any(cell.startswith(spreadsheet.FORMULA_STARTS) for cell in written)

    imported = client.post(
        "/api/v1/frameworks/import.csv?slug=piege&version=2&kind=reference&name=Piège",
        data=exported.data,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 201, imported.json
    versions = [
        client.get(f"/api/v1/frameworks/piege/export.json?version={v}", headers=headers).json for v in "12"
    ]
    assert versions[1]["competencies"] == versions[0]["competencies"] == HOSTILE_DOCUMENT["competencies"]


@pytest.mark.parametrize(("name", "body", "row", "message"), HOSTILE_FILES, ids=[f[0] for f in HOSTILE_FILES])
def test_a_hostile_csv_import_is_a_row_error_and_stores_nothing(
    client, session, headers, name, body, row, message
):
    before = framework_count(session)
    response = client.post(
        "/api/v1/frameworks/import.csv?slug=hostile&version=1&kind=reference&name=Hostile",
        data=body,
        headers={**headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    (error,) = response.json["error"]["rows"]
    assert error["field"] == "csv" and isinstance(error["row"], int)
    if row is not None:
        assert error["row"] == row and error["message"].startswith(message), error
    assert framework_count(session) == before
