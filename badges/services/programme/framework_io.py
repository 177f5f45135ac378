"""Framework import and export (JSON, CSV) and the shipped frameworks: checked first, errors write nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy.orm import Session

from badges.models import Competency, Framework
from badges.services.programme import frameworks
from badges.services.programme.frameworks import KINDS, ROLES, AlignmentSpec, CompetencySpec, FrameworkSpec
from badges.services.shared import profiles, spreadsheet
from badges.services.shared.errors import RowErrors
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import LEVELS, SLUG_RE, Fields

BAD_SLUG = message("framework.bad_slug", N_("Identifiant attendu : minuscules, chiffres et tirets."))
BAD_VERSION = message("framework.bad_version", N_("Version attendue : lettres, chiffres, points."))
PROFILE_NEEDED = message(
    "framework.profile_needed", N_("Un référentiel de profil indique son profil (interne).")
)
REFERENCE_NO_PROFILE = message(
    "framework.reference_no_profile", N_("Un référentiel de référence n'a pas de profil.")
)
SLUG_RESERVED = message(
    "framework.slug_reserved", N_("Cet identifiant est réservé : choisissez-en un autre.")
)
VERSION_EXISTS = message("framework.version_exists", N_("Cette version du référentiel existe déjà."))
UNKNOWN_ALIGNMENTS = message(
    "framework.unknown_alignments", N_("Alignements inconnus (référentiel de référence attendu) : %(refs)s.")
)
OBJECT_EXPECTED = message("framework.object_expected", N_("Objet attendu."))
BAD_CODE = message("framework.bad_code", N_("Code attendu : lettres, chiffres, « . », « - » (32 au plus)."))
ALIGNMENTS_LIST = message("framework.alignments_list", N_("Liste de 10 alignements au plus attendue."))
SAME_KIND = message(
    "framework.same_kind", N_("Une nouvelle version garde le type et le profil de la précédente.")
)
MISSING_CODES = message(
    "framework.missing_codes", N_("Codes de la version précédente manquants : %(codes)s.")
)
COMPETENCIES_LIST = message("framework.competencies_list", N_("Liste de 1 à %(max)s compétences attendue."))
CODE_TWICE = message("framework.code_twice", N_("Ce code est déjà utilisé plus haut."))
CSV_TOO_LARGE = message("framework.csv_too_large", N_("Fichier trop volumineux (1 Mo au plus)."))
EXPECTED_COLUMNS = message("framework.expected_columns", N_("Colonnes attendues : %(columns)s."))

# Codes are URL anchors (/frameworks/<slug>#<code>): letters, digits, dot, dash, underscore.
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")
ALIGNMENT_RE = re.compile(r"^([a-z0-9-]{1,64}):([A-Za-z0-9._-]{1,32})(?:\s*\((principal|secondaire)\))?$")
MAX_COMPETENCIES = 300
MAX_CSV_BYTES = 1_000_000
# The longest cell a valid row holds: 10 criteria of 300 characters and their separators.
MAX_CELL_CHARS = 4_000
CSV_COLUMNS = ("code", "title", "area", "falc_description", "level", "criteria", "alignments")
LIST_SEPARATOR = " | "
META_FIELDS = ("slug", "version", "name", "kind", "profile", "description", "source_url")
PUBLIC_META = ("slug", "name", "description")
# Path segments the staff screens use next to /frameworks/<slug> (a framework named so would be hidden).
RESERVED_SLUGS = frozenset({"import", "new"})
PUBLIC_COMPETENCY = ("code", "title", "area", "falc_description")


DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "frameworks"
# DigComp first: the other frameworks align to it. The profile frameworks have neutral public slugs;
# their profile is an internal column (see data/frameworks/README.md).
DEFAULT_FILES = (
    "digcomp-2.2.json",
    "pix-crcn.json",
    "parcours-decouverte.json",
    "parcours-pas-a-pas.json",
    "parcours-autonomie.json",
)


class _Report:
    """Collects row errors: row None is the framework itself, n the n-th competence (or CSV line)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, row: int | None, errors: dict[str, Message]) -> None:
        self.rows.extend({"row": row, "field": name, "message": msg} for name, msg in errors.items())

    def check(self) -> None:
        if self.rows:
            raise RowErrors(self.rows)


def _public(fields: Fields, names: tuple[str, ...], values: dict[str, Any]) -> None:
    for name in names:
        value = values.get(name)
        if isinstance(value, str) and name not in fields.errors and profiles.find_label(value):
            fields.errors[name] = profiles.MESSAGE


def _meta(session: Session, data: dict[str, Any], report: _Report) -> dict[str, Any]:
    fields = Fields(data)
    values = {
        "slug": fields.pattern("slug", SLUG_RE, BAD_SLUG),
        "version": fields.pattern("version", VERSION_RE, BAD_VERSION),
        "name": fields.text("name", max_len=200),
        "kind": fields.choice("kind", KINDS),
        "profile": fields.choice("profile", profiles.PROFILES, required=False),
        "description": fields.text("description", max_len=2000, required=False),
        "source_url": fields.url("source_url", required=False),
    }
    _public(fields, PUBLIC_META, values)
    if values["kind"] == "profile" and values["profile"] is None and "profile" not in fields.errors:
        fields.errors["profile"] = PROFILE_NEEDED
    if values["kind"] == "reference" and values["profile"] is not None:
        fields.errors["profile"] = REFERENCE_NO_PROFILE
    if values["slug"] in RESERVED_SLUGS:
        fields.errors["slug"] = SLUG_RESERVED
    if values["slug"] and values["version"] and frameworks.find(session, values["slug"], values["version"]):
        fields.errors["version"] = VERSION_EXISTS
    report.add(None, fields.errors)
    return values


def _alignments(
    resolver: frameworks.Resolver, own_slug: str, refs: list[Any]
) -> tuple[list[AlignmentSpec], Message | None]:
    found: list[AlignmentSpec] = []
    bad: list[str] = []
    for item in refs:
        ref, role = _alignment_ref(item)
        target = resolver.resolve(ref) if ref else None
        if (
            target is None
            or role not in ROLES
            or target.framework.kind != "reference"
            or ref.startswith(own_slug + ":")
        ):
            bad.append(str(ref or item))
        elif all(a.target is not target for a in found):
            found.append(AlignmentSpec(target=target, role=role))
    return found, UNKNOWN_ALIGNMENTS(refs=", ".join(bad)) if bad else None


def _alignment_ref(item: Any) -> tuple[str, str]:
    if isinstance(item, dict):
        role = item.get("role", "principal")
        return f"{item.get('framework')}:{item.get('code')}", role if isinstance(role, str) else ""
    if isinstance(item, str) and (match := ALIGNMENT_RE.match(item.strip())):
        return f"{match.group(1)}:{match.group(2)}", match.group(3) or "principal"
    return "", ""


def _competency(
    item: Any, resolver: frameworks.Resolver, slug: str
) -> tuple[CompetencySpec, dict[str, Message]]:
    if not isinstance(item, dict):
        return CompetencySpec(code="", title=""), {"competence": OBJECT_EXPECTED}
    fields = Fields(item)
    spec = CompetencySpec(
        code=fields.pattern("code", CODE_RE, BAD_CODE) or "",
        title=fields.text("title", max_len=300),
        area=fields.text("area", max_len=200, required=False),
        falc_description=fields.text("falc_description", max_len=1000, required=False),
        level=fields.choice("level", LEVELS, required=False),
        criteria=fields.text_list("criteria", max_items=10, max_len=300),
    )
    _public(fields, PUBLIC_COMPETENCY, item)
    if any(profiles.find_label(text) for text in spec.criteria):
        fields.errors["criteria"] = profiles.MESSAGE
    refs = item.get("alignments", [])
    if not isinstance(refs, list) or len(refs) > 10:
        fields.errors["alignments"] = ALIGNMENTS_LIST
    else:
        spec.alignments, unknown = _alignments(resolver, slug, refs)
        if unknown:
            fields.errors["alignments"] = unknown
    return spec, fields.errors


def _keeps_previous_codes(session: Session, spec: FrameworkSpec, report: _Report) -> None:
    """Issued credentials link to /frameworks/<slug>#<code>: a new version may retitle, never drop, a code."""
    previous = frameworks.find(session, spec.slug)
    if previous is None:
        return
    errors: dict[str, Message] = {}
    if previous.kind != spec.kind or previous.profile != spec.profile:
        errors["kind"] = SAME_KIND
    missing = [c.code for c in previous.competencies if c.code not in {s.code for s in spec.competencies}]
    if missing:
        errors["competencies"] = MISSING_CODES(codes=", ".join(missing))
    report.add(None, errors)


def validate(session: Session, meta: dict[str, Any], items: Any, *, first_row: int = 1) -> FrameworkSpec:
    """The framework described by `meta` and its competences, or RowErrors listing every problem."""
    report = _Report()
    values = _meta(session, meta, report)
    spec = FrameworkSpec(**{k: v for k, v in values.items() if k in META_FIELDS})
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_COMPETENCIES:
        report.add(None, {"competencies": COMPETENCIES_LIST(max=MAX_COMPETENCIES)})
        report.check()
    resolver = frameworks.Resolver(session)
    seen: set[str] = set()
    for position, item in enumerate(items):
        competency, errors = _competency(item, resolver, spec.slug or "")
        if competency.code and competency.code in seen:
            errors.setdefault("code", CODE_TWICE)
        seen.add(competency.code)
        report.add(first_row + position, errors)
        spec.competencies.append(competency)
    report.check()
    _keeps_previous_codes(session, spec, report)
    report.check()
    return spec


def import_document(session: Session, data: dict[str, Any]) -> Framework:
    """Import a JSON framework document (the format export_document writes)."""
    meta = {k: v for k, v in data.items() if k in META_FIELDS}
    spec = validate(session, meta, data.get("competencies"))
    return frameworks.create_framework(session, spec)


def import_csv(
    session: Session, raw: bytes, meta: dict[str, Any], *, windows_1252: bool = False
) -> Framework:
    """Import competences from CSV (one per line, header CSV_COLUMNS); the framework fields come in `meta`.

    `windows_1252` also reads what French Excel saves (the staff screen); the API takes UTF-8 only.
    """
    items = _csv_rows(raw, windows_1252=windows_1252)
    # Line 1 is the header: the first competence is on line 2, as a spreadsheet shows it.
    spec = validate(session, meta, items, first_row=2)
    return frameworks.create_framework(session, spec)


def _csv_rows(raw: bytes, *, windows_1252: bool) -> list[dict[str, Any]]:
    if len(raw) > MAX_CSV_BYTES:
        raise RowErrors([{"row": None, "field": "csv", "message": CSV_TOO_LARGE}])
    table = spreadsheet.read(raw, field="csv", max_cell_chars=MAX_CELL_CHARS, windows_1252=windows_1252)
    header = table.columns()
    missing = [c for c in ("code", "title") if c not in header]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if missing or unknown:
        expected = EXPECTED_COLUMNS(columns=", ".join(CSV_COLUMNS))
        raise RowErrors([{"row": 1, "field": "en-tête", "message": expected}])
    rows = []
    for record in table.records(header):
        row = {name: value.strip() for name, value in record.cells.items()}
        rows.append(
            {
                **row,
                "level": row.get("level") or None,
                "criteria": _split(row.get("criteria", "")),
                "alignments": _split(row.get("alignments", "")),
            }
        )
    return rows


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


class FrameworkHead(TypedDict):
    """What names a framework version, the same in the document, the API list and the staff list."""

    slug: str
    version: str
    name: str
    kind: str
    profile: str | None


class FrameworkSummary(FrameworkHead):
    competencies: int


class AlignmentDocument(TypedDict):
    framework: str
    code: str
    role: str


class CompetencyDocument(TypedDict):
    code: str
    title: str
    area: str
    falc_description: str
    level: str | None
    criteria: list[str]
    alignments: list[AlignmentDocument]


class FrameworkDocument(FrameworkHead):
    description: str
    source_url: str | None
    competencies: list[CompetencyDocument]


def head(framework: Framework) -> FrameworkHead:
    return {
        "slug": framework.slug,
        "version": framework.version,
        "name": framework.name,
        "kind": framework.kind,
        "profile": framework.profile,
    }


def summary(framework: Framework) -> FrameworkSummary:
    """The framework in a list: its head and how many competences it has."""
    return {**head(framework), "competencies": len(framework.competencies)}


def export_document(framework: Framework) -> FrameworkDocument:
    """The JSON document import_document reads back (the profile is internal: staff API only)."""
    return {
        **head(framework),
        "description": framework.description,
        "source_url": framework.source_url,
        "competencies": [_competency_json(c) for c in framework.competencies],
    }


def _competency_json(competency: Competency) -> CompetencyDocument:
    return {
        "code": competency.code,
        "title": competency.title,
        "area": competency.area,
        "falc_description": competency.falc_description,
        "level": competency.level,
        "criteria": list(competency.criteria or []),
        "alignments": [
            {"framework": a.target.framework.slug, "code": a.target.code, "role": a.role}
            for a in competency.alignments
        ],
    }


def export_csv(framework: Framework, *, bom: bool = False) -> str:
    """The CSV import_csv reads back; cells are neutralised so a spreadsheet never runs them."""
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for competency in framework.competencies:
        alignments = [f"{a.target.framework.slug}:{a.target.code} ({a.role})" for a in competency.alignments]
        rows.append(
            [
                competency.code,
                competency.title,
                competency.area,
                competency.falc_description,
                competency.level or "",
                LIST_SEPARATOR.join(competency.criteria or []),
                LIST_SEPARATOR.join(alignments),
            ]
        )
    return spreadsheet.write(rows, bom=bom)


def load_defaults(session: Session) -> list[Framework]:
    """Load the shipped frameworks that are not in the database yet (idempotent)."""
    loaded = []
    for name in DEFAULT_FILES:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        # Traceability to the reference proposals' ids (docs/domain.md#D-frameworks-data): kept in the file,
        # never stored or published.
        data.pop("source_ids", None)
        if frameworks.find(session, data["slug"], data["version"]) is None:
            loaded.append(import_document(session, data))
            session.flush()
    return loaded
