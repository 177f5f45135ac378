"""Staff CSV files: exports (frameworks, key figures) run no formula; hostile imports get a row report."""

from __future__ import annotations

import io
import random

import pytest
from sqlalchemy import select

from badges import jobs
from badges.models import Beneficiary, Framework
from badges.services.programme import framework_io
from badges.services.shared import spreadsheet
from tests.factories import count_committed
from tests.web.staff.conftest import post, text
from tests.web.test_api_csv import HOSTILE_DOCUMENT, cells

FRAMEWORK_META = {"slug": "hostile", "version": "1", "name": "Hostile", "kind": "reference"}
IMPORTS = {
    # name: (url, header line, model counted)
    "referentiel": ("/staff/frameworks/import", b"code;title\r\n", Framework),
    "beneficiaires": ("/staff/beneficiaries/import", b"prenom_ou_alias;telephone\r\n", Beneficiary),
}
HOSTILE_LINES = [
    ("cellule-200-ko", b"A;" + b"x" * 200_000 + b"\r\n", True, "La ligne dépasse 20000 caractères."),
    ("octets-non-utf8", b"A;caf\x81\x8d\r\n", True, "Caractères illisibles"),
    ("cr-seul", b"A;un\rdeux\r\n", True, "Retour chariot seul (CR)"),
    ("nul", b"A;un\x00deux\r\n", True, "Caractère nul (NUL)"),
    ("octets-au-hasard", None, False, "Import refusé"),
]
CASES = [(name, *case) for name in IMPORTS for case in HOSTILE_LINES]


@pytest.fixture
def staff(as_role):
    return as_role("staff")


def no_formula(body: str) -> list[str]:
    written = cells(body)
    assert not any(cell.startswith(spreadsheet.FORMULA_STARTS) for cell in written), written
    return written


def test_the_framework_export_runs_no_formula(staff, session):
    framework_io.import_document(session, HOSTILE_DOCUMENT)
    session.commit()
    response = staff.get("/staff/frameworks/piege/export.csv")
    assert response.status_code == 200
    assert "'=cmd|'/c calc'!A1" in no_formula(response.get_data(as_text=True))


def test_key_figures_csv_runs_no_formula_from_a_tiers_lieu_name(as_role, world, session):
    world.issuer.name = '=HYPERLINK("http://evil.example","Voir")'
    session.commit()
    response = as_role("coordinator").get("/staff/figures.csv?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200
    assert """'=HYPERLINK("http://evil.example","Voir")""" in no_formula(response.get_data(as_text=True))


def test_beneficiary_import_reads_neutralised_cells_back(staff, session, app):
    body = b"prenom_ou_alias;telephone\r\n'-Lou-;'+33 6 12 34 56 78\r\n"
    response = post(staff, "/staff/beneficiaries/import", {"fichier": (io.BytesIO(body), "p.csv")})
    assert response.status_code == 303, text(response)
    assert jobs.wait(app)  # the job stores the people (jobs/imports.py)
    session.rollback()
    person = session.scalars(select(Beneficiary).where(Beneficiary.display_name == "-Lou-")).one()
    assert person.phone == "+33 6 12 34 56 78"


@pytest.mark.parametrize(
    ("target", "name", "line", "on_line_2", "message"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_a_hostile_csv_gets_a_row_report_and_stores_nothing(
    staff, session, target, name, line, on_line_2, message
):
    url, header, model = IMPORTS[target]
    body = header + line if line is not None else random.Random(7).randbytes(4096)
    before = count_committed(session, model)
    fields = FRAMEWORK_META if target == "referentiel" else {}
    response = post(staff, url, {"fichier": (io.BytesIO(body), "fichier.csv"), **fields})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    if on_line_2:
        # The report's row: its line number, the file as the column, then the message.
        assert f"2 Fichier {message}" in page or f"2 fichier {message}" in page, page
    assert count_committed(session, model) == before
