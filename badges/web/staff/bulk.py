"""The progress of a bulk issuance (jobs/bulk.py) for the staff who started it: a page that works without
JavaScript (a refresh link) and the small JSON its script polls ("12 badges sur 40 signés")."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, render_template, url_for
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.jobs import bulk
from badges.models import Credential, Job, Role
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required

MAX_LISTED = 200


def progress_of(job_id: int) -> bulk.Progress:
    """A bulk job of the signed-in member's tiers-lieu; another's is 404."""
    session = get_session()
    job = session.get(Job, job_id)
    if job is None or job.kind != bulk.BULK_ISSUE or job.payload.get("issuer") != own_issuer().id:
        abort(404)
    found = bulk.progress(session, job_id)
    assert found is not None
    return found


def wording(found: bulk.Progress) -> str:
    return ngettext(
        "%(num)s badge sur %(total)s signé.",
        "%(num)s badges sur %(total)s signés.",
        found.done,
        total=found.total,
    )


def as_json(job_id: int, found: bulk.Progress) -> dict[str, Any]:
    return {
        "done": found.done,
        "total": found.total,
        "state": found.state,
        "text": wording(found),
        "page": url_for("staff.bulk_issue", job_id=job_id),
    }


@bp.get("/bulk/<int:job_id>")
@role_required(Role.STAFF)
def bulk_issue(job_id: int) -> str:
    found = progress_of(job_id)
    shown = found.issued_ids[:MAX_LISTED]
    awards = (
        list(
            get_session().scalars(
                select(Credential).where(Credential.public_id.in_(shown)).order_by(Credential.id)
            )
        )
        if shown
        else []
    )
    return render_template(
        "staff/programme/bulk.html", job_id=job_id, progress=found, text=wording(found), awards=awards
    )


@bp.get("/bulk/<int:job_id>/progress")
@role_required(Role.STAFF)
def bulk_issue_progress(job_id: int) -> Response:
    return jsonify(as_json(job_id, progress_of(job_id)))
