"""Probes for load balancers and supervisors: `/healthz` (the process answers) and `/readyz` (it can serve).

No authentication and no cookie; the answers name checks and fixed codes only (services/ops/health.py),
never a path, a URL, a passphrase or an exception. gunicorn's access log leaves out the passing probes
(web/access_log.py), so a probe every few seconds does not bury the requests people make.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from badges import db
from badges.jobs.queue import reachable
from badges.services.ops import health
from badges.web.context import keyring

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answers requests; nothing else is checked."""
    return no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Database reachable, schema at the code's revision, keys readable, job queue reachable: 200, else 503
    naming the failure."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    outcome = health.readiness(
        db.get_session(), keyring(), migrations=db.migration_scripts(), queue=lambda: reachable(app)
    )
    status = "ok" if outcome.ready else "unavailable"
    return no_store(jsonify(status=status, checks=outcome.checks)), 200 if outcome.ready else 503


def no_store(response: Response) -> Response:
    """A probe's answer is about this instant: no cache in between may answer for the server."""
    response.headers["Cache-Control"] = "no-store"
    return response
