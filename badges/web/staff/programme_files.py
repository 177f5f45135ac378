"""Bulk import and export of a programme (issue 14): staff for their tiers-lieu, coordinators for any.

The counting and checking are services/programme/programme_io.py's; these views read the upload, check it
whole, and show every bad row (line, column, French message) when the file is refused; a right file is
staged for a job (jobs/imports.py) and the next page shows its progress (web/staff/imports.py).
"""

from __future__ import annotations

import hashlib

from flask import render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import imports
from badges.models import Issuer, Role
from badges.services.credentials import issuers
from badges.services.programme import programme_io
from badges.services.shared.errors import RowErrors
from badges.services.shared.messages import N_, message
from badges.web.files import file_response
from badges.web.i18n import say_error, say_rows
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, invalid
from badges.web.staff.identity import signed_in

PAGE = "staff/programme/programme_import.html"
CHOOSE_FILE = message("programme_import.choose", N_("Choisissez un fichier CSV ou XLSX."))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(issuer: Issuer, exports: dict[str, str]) -> Response | str | tuple[str, int]:
    context = {"issuer": issuer, "columns": programme_io.COLUMNS, "exports": exports}
    if request.method == "GET":
        return render_template(PAGE, rows=[], errors={}, **context)
    upload = request.files.get("fichier")
    raw = upload.read(programme_io.MAX_BYTES + 1) if upload else b""
    try:
        if not raw:
            raise RowErrors([{"row": None, "field": "fichier", "message": CHOOSE_FILE}])
        plans = programme_io.check(get_session(), issuer=issuer, raw=raw)
    except RowErrors as exc:
        return invalid(PAGE, {"fichier": say_error(exc)}, rows=say_rows(exc.said_rows), **context)
    # The file is right: a job creates the pathways (jobs/imports.py), the next page shows how far.
    items = [(plan["first"], plan["lines"], dict(plan)) for plan in plans]
    job = imports.queue_import(get_session(), imports.PROGRAMME, items, issuer_id=issuer.id,
                               user_id=signed_in().id, digest=hashlib.sha256(raw).hexdigest())  # fmt: skip
    return commit_and_redirect(_("Le fichier est vérifié : l’import commence."), "staff.import_job",
                               job_id=job.id)  # fmt: skip


def _export(issuer: Issuer, kind: str) -> Response:
    name = f"programme-{issuer.slug}.{kind}"
    if kind == "xlsx":
        return file_response(programme_io.export_xlsx(get_session(), issuer=issuer), XLSX, name)
    return file_response(programme_io.export_csv(get_session(), issuer=issuer), "text/csv", name)


@bp.route("/programme/import", methods=["GET", "POST"])
@role_required(Role.STAFF)
def programme_import() -> Response | str | tuple[str, int]:
    exports = {"csv": url_for("staff.programme_export_csv"), "xlsx": url_for("staff.programme_export_xlsx"),
               "own": "1"}  # fmt: skip
    return _page(own_issuer(), exports)


@bp.get("/programme/export.csv")
@role_required(Role.STAFF)
def programme_export_csv() -> Response:
    return _export(own_issuer(), "csv")


@bp.get("/programme/export.xlsx")
@role_required(Role.STAFF)
def programme_export_xlsx() -> Response:
    return _export(own_issuer(), "xlsx")


@bp.route("/network/<slug>/programme/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def network_programme_import(slug: str) -> Response | str | tuple[str, int]:
    issuer = issuers.by_slug(get_session(), slug)
    exports = {
        kind: url_for("staff.network_programme_export", slug=slug, kind=kind) for kind in ("csv", "xlsx")
    }
    exports["own"] = ""
    return _page(issuer, exports)


@bp.get("/network/<slug>/programme/export.<any(csv, xlsx):kind>")
@role_required(Role.COORDINATOR)
def network_programme_export(slug: str, kind: str) -> Response:
    return _export(issuers.by_slug(get_session(), slug), kind)
