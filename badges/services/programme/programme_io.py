"""Bulk import and export of a programme (issue 14): pathways, ateliers and attendance in one CSV or XLSX.

One row per person and atelier (a pathway without atelier, or an atelier nobody attended yet, has a row
of its own with the later cells empty). Columns (header line, French, any order):
    parcours, type, categorie, debut, fin, budget, atelier, date, duree_minutes, competences,
    beneficiaire, present
`parcours` names a pathway within the file (its rows repeat its cells, or leave them empty); `atelier`
names an atelier within its pathway; `competences` lists references separated by spaces
("pix-crcn:2.1 parcours-decouverte:D-06"); `beneficiaire` is the id of one of the tiers-lieu's
beneficiaries (the export writes them); `present` is oui or non.

Every row is checked first by the rules the screens use (pathways.check_pathway, check_atelier, the
tiers-lieu's people), adding nothing: a single bad cell refuses the file, every bad row is reported with
its line, column and a French message. The checked pathways (`check`) are then created by the same
services (`store`), by a job, one pathway at a time (jobs/imports.py).
The export writes the same columns, so an exported file imports as it was.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Issuer, Pathway
from badges.services.programme import beneficiaries, pathways
from badges.services.shared import spreadsheet
from badges.services.shared.errors import InvalidInput, NotFound, RowErrors
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import REQUIRED

FILE_TOO_LARGE = message("programme_import.too_large", N_("Le fichier dépasse %(kb)s Ko."))
HEADER = message(
    "programme_import.header",
    N_("La première ligne doit nommer les colonnes : %(columns)s."),
)
TOO_MANY_ROWS = message("programme_import.too_many_rows", N_("Le fichier dépasse %(max)s lignes."))
EMPTY = message("programme_import.empty", N_("Le fichier ne contient aucun parcours."))
NOT_XLSX = message(
    "programme_import.not_xlsx", N_("Le classeur XLSX est illisible : enregistrez-le à nouveau.")
)
DIFFERENT = message(
    "programme_import.different",
    N_("Ce parcours ou cet atelier a une autre valeur ligne %(row)s : écrivez la même, ou laissez vide."),
)
UNKNOWN_PERSON = message("programme_import.person", N_("Bénéficiaire inconnu dans ce tiers-lieu."))
YES_OR_NO = message("programme_import.yes_or_no", N_("Écrivez oui ou non."))
NEEDS_ATELIER = message("programme_import.needs_atelier", N_("Indiquez l'atelier de cette présence."))
TWICE = message("programme_import.twice", N_("Cette personne apparaît deux fois pour cet atelier."))

COLUMNS = ("parcours", "type", "categorie", "debut", "fin", "budget", "atelier", "date", "duree_minutes",
           "competences", "beneficiaire", "present")  # fmt: skip
PATHWAY_FIELDS = {"parcours": "title", "type": "type", "categorie": "category", "debut": "start_date",
                  "fin": "end_date", "budget": "budget"}  # fmt: skip
ATELIER_FIELDS = {"atelier": "title", "date": "held_on", "duree_minutes": "duration_minutes",
                  "competences": "competencies"}  # fmt: skip
COLUMN_OF = {**{v: k for k, v in PATHWAY_FIELDS.items()}, **{v: k for k, v in ATELIER_FIELDS.items()}}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_CELL_CHARS = 2_000
FIELD = "fichier"
YES, NO = ("oui", "o", "yes", "1", "vrai"), ("non", "n", "no", "0", "faux")


@dataclass
class _Group:
    """A pathway or an atelier of the file: its cells (from its rows) and the rows that named it."""

    first: int
    cells: dict[str, str]
    rows: list[int] = field(default_factory=list)


class _Errors(list[dict[str, object]]):
    def add(self, row: int | None, column: str, said: Message) -> None:
        self.append({"row": row, "field": column, "message": said})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_table(raw: bytes) -> spreadsheet.Table:
    from openpyxl import load_workbook  # only an XLSX upload needs it

    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        lines = [
            [spreadsheet.restore(_cell_text(v)) for v in row]
            for row in sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True)
        ]
    except Exception:  # openpyxl raises many kinds on a broken file: each is "unreadable"
        raise RowErrors([{"row": None, "field": FIELD, "message": NOT_XLSX}]) from None
    rows = [(n, cells) for n, cells in enumerate(lines, start=1) if any(c.strip() for c in cells)]
    if not rows:
        return spreadsheet.Table([], [])
    header = [c for c in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    if any(len(c) > MAX_CELL_CHARS for _, cells in rows for c in cells):
        raise RowErrors(
            [{"row": None, "field": FIELD, "message": spreadsheet.CELL_TOO_LONG(max=MAX_CELL_CHARS)}]
        )
    return spreadsheet.Table(header, rows[1:])


def read_rows(raw: bytes) -> list[spreadsheet.Record]:
    """The file's records (CSV, or XLSX when it is a zip), bounded in size and rows."""
    if len(raw) > MAX_BYTES:
        raise RowErrors([{"row": None, "field": FIELD, "message": FILE_TOO_LARGE(kb=MAX_BYTES // 1024)}])
    if raw[:2] == b"PK":
        table = _xlsx_table(raw)
    else:
        table = spreadsheet.read(raw, field=FIELD, max_cell_chars=MAX_CELL_CHARS, windows_1252=True)
    header = table.columns(lower=True)
    if set(header) != set(COLUMNS) or len(header) != len(COLUMNS):
        raise RowErrors([{"row": None, "field": FIELD, "message": HEADER(columns=", ".join(COLUMNS))}])
    if len(table.rows) > MAX_ROWS:
        raise RowErrors([{"row": None, "field": FIELD, "message": TOO_MANY_ROWS(max=MAX_ROWS)}])
    records = [r for r in table.records(header) if any(v.strip() for v in r.cells.values())]
    if not records:
        raise RowErrors([{"row": None, "field": FIELD, "message": EMPTY}])
    return records


def _merge(group: _Group, record: spreadsheet.Record, columns: dict[str, str], errors: _Errors) -> None:
    """A row's cells for a pathway or atelier already met: the same value, or empty."""
    group.rows.append(record.number)
    for column in columns:
        value = record.cells[column].strip()
        if not value:
            continue
        if not group.cells.get(column):
            group.cells[column] = value
        elif group.cells[column] != value:
            errors.add(record.number, column, DIFFERENT(row=group.first))


def _groups(
    records: list[spreadsheet.Record], errors: _Errors
) -> tuple[dict[str, _Group], dict[tuple[str, str], _Group], dict[tuple[str, str], list[spreadsheet.Record]]]:
    """Pathways by name, ateliers by (pathway, name), attendance rows by atelier."""
    paths: dict[str, _Group] = {}
    ateliers: dict[tuple[str, str], _Group] = {}
    present: dict[tuple[str, str], list[spreadsheet.Record]] = {}
    for record in records:
        name = record.cells["parcours"].strip()
        if not name:
            errors.add(record.number, "parcours", REQUIRED)
            continue
        _merge(paths.setdefault(name, _Group(record.number, {})), record, PATHWAY_FIELDS, errors)
        atelier = record.cells["atelier"].strip()
        if atelier:
            key = (name, atelier)
            _merge(ateliers.setdefault(key, _Group(record.number, {})), record, ATELIER_FIELDS, errors)
            if record.cells["beneficiaire"].strip():
                present.setdefault(key, []).append(record)
        elif record.cells["beneficiaire"].strip():
            errors.add(record.number, "atelier", NEEDS_ATELIER)
    return paths, ateliers, present


def _report(exc: InvalidInput, row: int, errors: _Errors) -> None:
    for name, said in exc.field_messages.items():
        errors.add(row, COLUMN_OF.get(name, name), said)


class AtelierPlan(TypedDict):
    """An atelier of the file, checked: create_atelier's data and its attendance (public ids)."""

    first: int
    data: dict[str, Any]
    attendance: list[dict[str, Any]]


class PathwayPlan(TypedDict):
    """A pathway of the file, checked, with its ateliers: what one staged item of the import job holds
    (plain JSON values). `lines` counts the file's rows it covers (the job's progress is in rows)."""

    first: int
    lines: int
    data: dict[str, Any]
    ateliers: list[AtelierPlan]


def _attendance(
    people: dict[str, Beneficiary], rows: list[spreadsheet.Record], errors: _Errors
) -> list[dict[str, Any]]:
    """An atelier's attendance rows, checked: each person of the tiers-lieu (`people`), once, present oui
    or non."""
    entries, seen = [], set()
    for record in rows:
        who, said = record.cells["beneficiaire"].strip(), record.cells["present"].strip().lower()
        person = people.get(who)
        if person is None:
            errors.add(record.number, "beneficiaire", UNKNOWN_PERSON)
            continue
        if said not in YES + NO + ("",):
            errors.add(record.number, "present", YES_OR_NO)
            continue
        if person.id in seen:
            errors.add(record.number, "beneficiaire", TWICE)
            continue
        seen.add(person.id)
        entries.append({"beneficiary": person.public_id, "present": said not in NO})
    if entries and len(entries) == len(rows):
        try:
            pathways.check_attendance_size(entries)
        except InvalidInput as exc:
            _report(exc, rows[0].number, errors)
    return entries


def check(session: Session, *, issuer: Issuer, raw: bytes) -> list[PathwayPlan]:
    """Every row of the file checked by the services' own rules, nothing added to the session: the
    pathways to create, or RowErrors listing every bad row (the import is all or nothing)."""
    errors = _Errors()
    paths, ateliers, present = _groups(read_rows(raw), errors)
    named = [r.cells["beneficiaire"].strip() for rows in present.values() for r in rows]
    people = beneficiaries.by_public_ids(session, issuer=issuer, public_ids=named)
    plans: dict[str, PathwayPlan] = {}
    drafts: dict[str, Pathway] = {}
    for name, group in paths.items():
        values = {PATHWAY_FIELDS[c]: v for c, v in group.cells.items() if v or c == "budget"}
        try:
            drafts[name] = pathways.check_pathway(session, issuer=issuer, data=values)
        except InvalidInput as exc:
            _report(exc, group.first, errors)
            continue
        plans[name] = {"first": group.first, "lines": len(group.rows), "data": values, "ateliers": []}
    for (name, title), group in ateliers.items():
        if name not in plans:
            continue
        data: dict[str, Any] = {ATELIER_FIELDS[c]: v for c, v in group.cells.items() if v}
        data["competencies"] = str(data.get("competencies", "")).split()
        try:
            pathways.check_atelier(session, pathway=drafts[name], data=data)
        except InvalidInput as exc:
            _report(exc, group.first, errors)
            continue
        entries = _attendance(people, present.get((name, title), []), errors)
        plans[name]["ateliers"].append({"first": group.first, "data": data, "attendance": entries})
    if errors:
        raise RowErrors(sorted(errors, key=lambda e: (e["row"] or 0, str(e["field"]))))
    return list(plans.values())


def store(session: Session, *, issuer: Issuer, plan: PathwayPlan, now: datetime) -> Pathway:
    """Create one checked pathway with its ateliers, enrolments and attendance, through the services the
    screens use. A ServiceError here means the tiers-lieu's data changed since the check (a person
    deleted, a framework removed): the caller decides what to do with the rows already stored."""
    pathway = pathways.create_pathway(session, issuer=issuer, data=plan["data"], now=now)
    session.flush()
    named = [entry["beneficiary"] for item in plan["ateliers"] for entry in item["attendance"]]
    people = beneficiaries.by_public_ids(session, issuer=issuer, public_ids=named)
    enrolled: set[str] = set()
    for item in plan["ateliers"]:
        atelier = pathways.create_atelier(session, pathway=pathway, data=item["data"], now=now)
        session.flush()
        for entry in item["attendance"]:
            if entry["beneficiary"] not in people:  # deleted since the check
                raise NotFound(beneficiaries.BENEFICIARY_NOT_FOUND)
            if entry["beneficiary"] not in enrolled:  # a new pathway: nobody is enrolled but by this loop
                pathways.enrol(session, pathway=pathway, beneficiary=people[entry["beneficiary"]], now=now)
                enrolled.add(entry["beneficiary"])
        session.flush()
        if item["attendance"]:
            pathways.record_attendance(session, atelier=atelier, data={"attendance": item["attendance"]})
    return pathway


def export_rows(session: Session, *, issuer: Issuer) -> list[list[str]]:
    """The tiers-lieu's programme in the import's columns (header first)."""
    rows: list[list[str]] = [list(COLUMNS)]
    found = session.scalars(
        select(Pathway).where(Pathway.issuer_id == issuer.id).order_by(Pathway.start_date, Pathway.id)
    )
    for pathway in found:
        end = pathway.end_date.isoformat() if pathway.end_date else ""
        head = [pathway.title, pathway.type, pathway.category, pathway.start_date.isoformat(), end,
                str(pathway.budget_euros)]  # fmt: skip
        if not pathway.ateliers:
            rows.append(head + [""] * 6)
        for atelier in sorted(pathway.ateliers, key=lambda a: (a.held_on, a.id)):
            middle = [atelier.title, atelier.held_on.isoformat(), str(atelier.duration_minutes),
                      " ".join(c.ref for c in atelier.competencies)]  # fmt: skip
            marks = sorted(atelier.attendances, key=lambda a: a.beneficiary.public_id)
            if not marks:
                rows.append(head + middle + ["", ""])
            for mark in marks:
                rows.append(head + middle + [mark.beneficiary.public_id, "oui" if mark.present else "non"])
    return rows


def export_csv(session: Session, *, issuer: Issuer) -> str:
    return spreadsheet.write(export_rows(session, issuer=issuer), bom=True)


def export_xlsx(session: Session, *, issuer: Issuer) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Programme"
    for row in export_rows(session, issuer=issuer):
        sheet.append([spreadsheet.neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
