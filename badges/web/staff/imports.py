"""The progress of an import (jobs/imports.py) for the page that started it: "Import en cours : 1 200 /
5 000 lignes", then the result or the failure with the time of the next try. Works without JavaScript (a
refresh link); js/bulk.js polls the small JSON and updates the page in place."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import imports
from badges.models import Role
from badges.models.job import DONE, FAILED, RETRYING
from badges.web import job_status
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.identity import signed_in


def owned(job_id: int) -> imports.Importing:
    """An import job of the signed-in member's tiers-lieu (a coordinator's: any); another's is 404."""
    found = imports.importing(get_session(), job_id)
    if found is None:
        abort(404)
    if signed_in().role != Role.COORDINATOR.value and found.issuer_id != own_issuer().id:
        abort(404)
    return found


def _result(found: imports.Importing) -> str:
    if found.kind == imports.BENEFICIARIES:
        return ngettext("Import terminé : %(count)s personne importée.",
                        "Import terminé : %(count)s personnes importées.", found.total,
                        count=format_number(found.total))  # fmt: skip
    pathways = ngettext("Import terminé : %(count)s parcours importé.",
                        "Import terminé : %(count)s parcours importés.", found.items,
                        count=format_number(found.items))  # fmt: skip
    lines = ngettext("%(count)s ligne du fichier.", "%(count)s lignes du fichier.", found.total,
                     count=format_number(found.total))  # fmt: skip
    return f"{pathways} {lines}"


def _stopped(found: imports.Importing) -> str:
    done, total = format_number(found.done), format_number(found.total)
    if found.stopped_at is not None:
        text = _("L’import s’est arrêté ligne %(line)s : %(done)s lignes sur %(total)s sont importées.",
                 line=format_number(found.stopped_at), done=done, total=total)  # fmt: skip
    else:
        text = _(
            "L’import s’est arrêté : %(done)s lignes sur %(total)s sont importées.", done=done, total=total
        )
    parts = [text, job_status.reason(found) or ""]
    if found.state == RETRYING and found.next_attempt_at is not None:
        parts.append(_("Nouvel essai à %(time)s.", time=job_status.at(found.next_attempt_at)))
    else:
        parts.append(_("Échec définitif : corrigez les données, puis importez les lignes qui restent."))
    return " ".join(p for p in parts if p)


def wording(found: imports.Importing) -> str:
    """Where the import stands, in one or two sentences."""
    if found.state == DONE:
        return _result(found)
    if found.state in (RETRYING, FAILED):
        return _stopped(found)
    return _("Import en cours : %(done)s / %(total)s lignes",
             done=format_number(found.done), total=format_number(found.total))  # fmt: skip


def next_page(found: imports.Importing) -> str:
    """Where the imported rows are listed."""
    if found.kind == imports.BENEFICIARIES:
        return url_for("staff.beneficiaries_list")
    if signed_in().role == Role.COORDINATOR.value:
        return url_for("staff.network_list")
    return url_for("staff.pathways_list")


def as_json(found: imports.Importing) -> dict[str, Any]:
    return {
        "done": found.done,
        "total": found.total,
        "state": found.state,
        "text": wording(found),
        "page": url_for("staff.import_job", job_id=found.job_id),
    }


@bp.get("/imports/<int:job_id>")
@role_required(Role.STAFF, Role.COORDINATOR)
def import_job(job_id: int) -> str:
    found = owned(job_id)
    return render_template(
        "staff/imports/job.html", found=found, text=wording(found), next_page=next_page(found)
    )


@bp.get("/imports/<int:job_id>/progress")
@role_required(Role.STAFF, Role.COORDINATOR)
def import_job_progress(job_id: int) -> Response:
    return jsonify(as_json(owned(job_id)))
