"""Competency frameworks (référentiels) of the network: browse, import as JSON or CSV, export.

Frameworks are shared by every tiers-lieu, and issued credentials link to their competences: an import
only ever adds a new framework or a new version, never changes one
(services/programme/framework_io.py checks the whole file first, so a single error imports nothing).
"""

from __future__ import annotations

import json
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Framework, Role
from badges.services.credentials.downloads import Download
from badges.services.programme import framework_io, framework_listing, frameworks
from badges.services.shared.errors import InvalidInput, RowErrors
from badges.services.shared.messages import N_, Message, message
from badges.web.api import send_download
from badges.web.i18n import say_fields, say_rows
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.labels import PROFILE_LABELS, friendly, options

IMPORT = "staff/frameworks/import.html"
FILE = "fichier"
# The service's CSV bound, checked on bytes before anything is decoded.
MAX_BYTES = framework_io.MAX_CSV_BYTES
KIND_LABELS = {"reference": _l("Référentiel de référence"), "profile": _l("Référentiel de profil")}
ROLE_LABELS = {"principal": _l("principal"), "secondaire": _l("secondaire")}
# The names the service reports (file keys and CSV columns), as the report shows them.
FIELD_LABELS = {
    "slug": _l("Identifiant"),
    "version": _l("Version"),
    "name": _l("Nom"),
    "kind": _l("Type"),
    "profile": _l("Profil interne"),
    "description": _l("Description"),
    "source_url": _l("Adresse de la source"),
    "competencies": _l("Compétences"),
    "competence": _l("Compétence"),
    "code": _l("Code"),
    "title": _l("Intitulé"),
    "area": _l("Domaine"),
    "falc_description": _l("Description FALC"),
    "level": _l("Niveau visé"),
    "criteria": _l("Critères observables"),
    "alignments": _l("Alignements"),
    "en-tête": _l("Ligne des colonnes"),
    "csv": _l("Fichier"),
}
FILE_KEYS = frozenset({*framework_io.META_FIELDS, *framework_io.CSV_COLUMNS, "competencies"})


def _framework(slug: str) -> Framework:
    """The asked version (?version=), else the latest; an unknown one is 404."""
    return frameworks.latest(get_session(), slug, request.args.get("version") or None)


@bp.get("/frameworks")
@role_required(Role.COORDINATOR, Role.STAFF)
def frameworks_list() -> str:
    rows = framework_listing.latest_versions(get_session())
    return render_template("staff/frameworks/list.html", frameworks=rows, kind_labels=KIND_LABELS)


@bp.get("/frameworks/<slug>")
@role_required(Role.COORDINATOR, Role.STAFF)
def framework(slug: str) -> str:
    return render_template(
        "staff/frameworks/detail.html",
        framework=framework_listing.detail(get_session(), _framework(slug)),
        kind_labels=KIND_LABELS,
        role_labels=ROLE_LABELS,
    )


@bp.get("/frameworks/<slug>/export.<any(json, csv):fmt>")
@role_required(Role.COORDINATOR, Role.STAFF)
def framework_export(slug: str, fmt: str) -> Response:
    """The file the import reads back (same formats as the API's export)."""
    found = _framework(slug)
    name = f"{found.slug}-{found.version}.{fmt}"
    if fmt == "json":
        body = json.dumps(framework_io.export_document(found), ensure_ascii=False, indent=1)
        return send_download(Download(body.encode("utf-8"), "application/json", name))
    # The BOM makes Excel read UTF-8 (accents); the import skips it.
    body = framework_io.export_csv(found, bom=True)
    return send_download(Download(body.encode("utf-8"), "text/csv", name))


def _file_error(said: Message) -> InvalidInput:
    return InvalidInput({FILE: said})


CHOOSE_FILE = message("framework_file.choose", N_("Choisissez un fichier JSON ou CSV."))
FILE_TOO_LARGE = message(
    "framework_file.too_large", N_("Le fichier dépasse 1 Mo : un référentiel compte 300 compétences au plus.")
)
FILE_EMPTY = message("framework_file.empty", N_("Le fichier est vide."))
JSON_OR_CSV = message(
    "framework_file.json_or_csv",
    N_("Envoyez un fichier .json ou .csv (un classeur s’enregistre au format CSV)."),
)
NOT_UTF8 = message("framework_file.not_utf8", N_("Le fichier n’est pas lisible : enregistrez-le en UTF-8."))
JSON_AT = message(
    "framework_file.json_at", N_("Le fichier n’est pas un JSON valide (ligne %(line)s, colonne %(column)s).")
)
NOT_JSON = message("framework_file.not_json", N_("Le fichier n’est pas un JSON valide."))
NOT_A_FRAMEWORK = message(
    "framework_file.not_a_framework",
    N_("Le fichier JSON doit décrire un référentiel : un objet { … } avec ses compétences."),
)


def _upload() -> tuple[str, bytes]:
    """The sent file's format ("json" or "csv") and content; InvalidInput on the file field otherwise."""
    upload = request.files.get(FILE)
    if upload is None or not upload.filename:
        raise _file_error(CHOOSE_FILE)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise _file_error(FILE_TOO_LARGE)
    if not raw.strip():
        raise _file_error(FILE_EMPTY)
    extension = upload.filename.rpartition(".")[2].lower() if "." in upload.filename else ""
    if extension in ("json", "csv"):
        return extension, raw
    if extension not in ("", "txt"):
        raise _file_error(JSON_OR_CSV)
    first = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return ("json" if first in (b"{", b"[") else "csv"), raw


def _document(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _file_error(NOT_UTF8) from None
    except json.JSONDecodeError as exc:
        raise _file_error(JSON_AT(line=exc.lineno, column=exc.colno)) from None
    except (ValueError, RecursionError):
        raise _file_error(NOT_JSON) from None
    if not isinstance(data, dict):
        raise _file_error(NOT_A_FRAMEWORK)
    return data


def _import(fmt: str, raw: bytes, form: dict[str, str]) -> Framework:
    session = get_session()
    if fmt == "json":
        return framework_io.import_document(session, _document(raw))
    # An empty field is "not given" for the service (an empty profile is not a wrong choice).
    meta = {name: value for name, value in form.items() if value}
    # Excel in French often saves CSV as Windows-1252: the screen accepts it (the API takes UTF-8 only).
    return framework_io.import_csv(session, raw, meta, windows_1252=True)


def _field_errors(fmt: str, rows: list[dict[str, object]]) -> dict[str, str]:
    """Messages for the form: the file as a whole, and (CSV) the framework's fields typed in the form."""

    def typed(row: dict[str, object]) -> bool:
        return fmt == "csv" and row["row"] is None and row["field"] in framework_io.META_FIELDS

    errors = friendly({str(r["field"]): str(r["message"]) for r in rows if typed(r)})
    if errors.get("kind", "").startswith("Valeur attendue"):
        errors["kind"] = _("Choisissez le type de référentiel.")
    in_file = sum(1 for r in rows if not typed(r))
    if in_file:
        errors = {
            FILE: ngettext(
                "Le fichier a %(num)s erreur : voyez le rapport d’erreurs.",
                "Le fichier a %(num)s erreurs : voyez le rapport d’erreurs.",
                in_file,
            ),
            **errors,
        }
    return errors


def _report(rows: list[dict[str, object]]) -> list[dict[str, Any]]:
    """The service's rows with French field names; row None is the framework itself."""
    return [
        {
            "row": r["row"],
            "field": str(FIELD_LABELS.get(str(r["field"]), r["field"])),
            "key": str(r["field"]) if r["field"] in FILE_KEYS else "",
            "message": r["message"],
        }
        for r in rows
    ]


def _page(form: dict[str, Any], fmt: str = "", rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "form": form,
        "fmt": fmt,
        "rows": rows or [],
        "kinds": options(KIND_LABELS),
        "profiles": options(PROFILE_LABELS),
        "columns": framework_io.CSV_COLUMNS,
    }


def _prefill(slug: str | None) -> dict[str, Any]:
    """The fields of a framework's latest version, for its next version ("Importer une nouvelle version")."""
    found = frameworks.find(get_session(), slug) if slug else None
    if found is None:
        return {}
    return {name: getattr(found, name) or "" for name in framework_io.META_FIELDS if name != "version"}


@bp.route("/frameworks/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR, Role.STAFF)
def framework_import() -> Response | str | tuple[str, int]:
    """A JSON document or a CSV file (with the framework's fields typed in the form); all or nothing."""
    if request.method == "GET":
        return render_template(IMPORT, errors={}, **_page(_prefill(request.args.get("from"))))
    form, fmt = values(*framework_io.META_FIELDS), ""
    try:
        fmt, raw = _upload()
        created = _import(fmt, raw, form)
        get_session().flush()
    except RowErrors as exc:
        return invalid(
            IMPORT,
            _field_errors(fmt, say_rows(exc.said_rows)),
            **_page(form, fmt, _report(say_rows(exc.said_rows))),
        )
    except InvalidInput as exc:
        return invalid(IMPORT, say_fields(exc), **_page(form, fmt))
    message = ngettext(
        "« %(name)s », version %(version)s, est importé : %(num)s compétence.",
        "« %(name)s », version %(version)s, est importé : %(num)s compétences.",
        len(created.competencies),
        name=created.name,
        version=created.version,
    )
    return commit_and_redirect(message, "staff.framework", slug=created.slug)
