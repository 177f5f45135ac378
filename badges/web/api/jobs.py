"""Where a bulk issuance stands (a grid too big to sign in the request answers 202 with this URL)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from sqlalchemy.orm import Session

from badges.db import get_session
from badges.jobs import bulk
from badges.models import Job
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message
from badges.web.api import bp
from badges.web.api.inputs import accepts
from badges.web.api.scope import readable_issuers
from badges.web.auth import token_required

JOB_NOT_FOUND = message("job.not_found", N_("Tâche introuvable."))


def job_link(job_id: int) -> dict[str, Any]:
    return {"id": job_id, "progress": url_for("api.get_bulk_job", job_id=job_id)}


@bp.get("/jobs/<job_id>")
@token_required
@accepts()
def get_bulk_job(job_id: str) -> Response:
    """A bulk issuance of the caller's tiers-lieu: {"id", "state", "done", "total", "issued"}."""
    session = get_session()
    job = session.get(Job, int(job_id)) if job_id.isdigit() and len(job_id) < 18 else None
    scope = readable_issuers()
    if (
        job is None
        or job.kind != bulk.BULK_ISSUE
        or (scope is not None and job.payload.get("issuer") not in scope)
    ):
        raise NotFound(JOB_NOT_FOUND)
    return _answer(session, job.id)


def _answer(session: Session, job_id: int) -> Response:
    found = bulk.progress(session, job_id)
    assert found is not None
    return jsonify(
        {
            "id": job_id,
            "state": found.state,
            "done": found.done,
            "total": found.total,
            "issued": found.issued_ids,
        }
    )
