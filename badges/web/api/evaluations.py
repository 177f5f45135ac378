"""Evaluations, atelier grids, pending awards and review flags (staff token)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, current_app, jsonify
from sqlalchemy import select

from badges.db import get_session
from badges.jobs import bulk
from badges.models import (
    Atelier,
    BadgeClass,
    Beneficiary,
    Credential,
    Evaluation,
    Pathway,
    PendingAward,
    ReviewFlag,
)
from badges.services.programme import awarding, evaluation, pathways, reviews
from badges.services.programme.awarding import Issuing
from badges.web.api import bp, json_body, paginate
from badges.web.api.inputs import PAGE, accepts
from badges.web.api.jobs import job_link
from badges.web.api.programme import outcome_json
from badges.web.api.scope import arg, commit_and_render, scoped, writer
from badges.web.auth import current_user, token_required
from badges.web.context import keyring, links, now

EVALUATION_FIELDS = ("beneficiary", "competency", "atelier", "pathway", "moment", "method", "result")
EVALUATION = {name: None for name in (*EVALUATION_FIELDS, "note", "evaluated_on")}
GRID = {
    "moment": None,
    "method": None,
    "results": [{"beneficiary": None, "competency": None, "result": None, "note": None}],
}


def evaluation_json(item: Evaluation) -> dict[str, Any]:
    return {
        "id": item.public_id,
        "beneficiary": item.beneficiary.public_id,
        "competency": item.competency.ref,
        "pathway": item.pathway.public_id if item.pathway else None,
        "atelier": item.atelier.public_id if item.atelier else None,
        "moment": item.moment,
        "method": item.method,
        "result": item.result,
        "evaluator": item.evaluator.name if item.evaluator else None,
        "note": item.note,
        "evaluated_at": item.evaluated_at.isoformat(),
    }


def pending_json(pending: PendingAward) -> dict[str, Any]:
    return {
        "id": pending.public_id,
        "badge_class": pending.badge_class.public_id,
        "badge_name": pending.badge_class.name,
        "beneficiary": pending.beneficiary.public_id,
        "display_name": pending.beneficiary.display_name,
        "since": pending.created_at.isoformat(),
        "waiting_for": "consentement",
    }


def flag_json(flag: ReviewFlag) -> dict[str, Any]:
    return {
        "id": flag.public_id,
        "award": flag.credential.public_id,
        "badge_name": flag.credential.badge_class.name,
        "beneficiary": flag.credential.beneficiary.public_id if flag.credential.beneficiary else None,
        "competency": flag.competency.ref,
        "previous_result": flag.previous_result,
        "new_result": flag.new_result,
        "message": (
            f"Niveau en baisse pour {flag.competency.code} : {flag.previous_result} puis {flag.new_result}."
        ),
        "created_at": flag.created_at.isoformat(),
        "resolved": flag.resolved_at is not None,
        "resolution_note": flag.resolution_note,
    }


def _issuing() -> Issuing:
    return Issuing(keyring(), links(), now())


@bp.get("/evaluations")
@token_required
@accepts(query=(*PAGE, "beneficiary", "atelier", "pathway"))
def list_evaluations() -> Response:
    """Filters: `?beneficiary=<id>&atelier=<id>&pathway=<id>`."""
    query = (
        select(Evaluation).join(Beneficiary).order_by(Evaluation.evaluated_at.desc(), Evaluation.id.desc())
    )
    query = scoped(query, Beneficiary.issuer_id)
    if arg("beneficiary"):
        query = query.where(Beneficiary.public_id == arg("beneficiary"))
    for name, model in (("atelier", Atelier), ("pathway", Pathway)):
        if arg(name):
            column = Evaluation.atelier_id if name == "atelier" else Evaluation.pathway_id
            query = query.where(column.in_(select(model.id).where(model.public_id == arg(name))))
    return jsonify(paginate(query, evaluation_json))


@bp.post("/evaluations")
@token_required
@accepts(body=EVALUATION)
def create_evaluation() -> tuple[Response, int]:
    """One evaluation; the badges it makes due are issued in the same transaction."""
    item, outcome = evaluation.record(
        get_session(), _issuing(), issuer=writer(), evaluator=current_user(), data=json_body()
    )
    return commit_and_render(outcome, lambda o: {"evaluation": evaluation_json(item), **outcome_json(o)}, 201)


@bp.post("/ateliers/<public_id>/grid")
@token_required
@accepts(body=GRID)
def record_grid(public_id: str) -> tuple[Response, int]:
    """A whole atelier at once: {"moment", "method", "results": [{"beneficiary", "competency", "result"}]}."""
    """Past INLINE_AWARDS_MAX badges due, none is signed in the request: a bulk job signs them, and the
    answer is 202 with the job (its id and the URL of its progress, api/jobs.py)."""
    session = get_session()
    atelier = pathways.atelier_in_scope(session, public_id, [writer().id])
    signing = replace(_issuing(), inline_max=int(current_app.config["INLINE_AWARDS_MAX"]))
    items, outcome = evaluation.record_grid(
        session, signing, atelier=atelier, evaluator=current_user(), data=json_body()
    )
    job = None
    if outcome.deferred:
        job = bulk.queue_bulk_issue(
            session, outcome.deferred, issuer_id=writer().id, user_id=current_user().id
        )

    def render(o: awarding.Outcome) -> dict[str, Any]:
        found = {"evaluations": [evaluation_json(e) for e in items], **outcome_json(o)}
        return {**found, "job": job_link(job.id)} if job is not None else found

    return commit_and_render(outcome, render, 202 if job is not None else 201)


@bp.get("/pending-awards")
@token_required
@accepts(query=PAGE)
def list_pending_awards() -> Response:
    """Badges earned by beneficiaries who have not consented yet (issued when consent is recorded)."""
    query = select(PendingAward).join(BadgeClass).order_by(PendingAward.created_at, PendingAward.id)
    query = scoped(query, BadgeClass.issuer_id)
    return jsonify(paginate(query, pending_json))


@bp.get("/flags")
@token_required
@accepts(query=(*PAGE, "open"))
def list_flags() -> Response:
    """Badges to review after a lower result; `?open=1` keeps the unresolved ones."""
    query = select(ReviewFlag).join(Credential).order_by(ReviewFlag.created_at, ReviewFlag.id)
    query = scoped(query, Credential.issuer_id)
    if arg("open") in ("1", "true"):
        query = query.where(ReviewFlag.resolved_at.is_(None))
    return jsonify(paginate(query, flag_json))


@bp.post("/flags/<public_id>/resolve")
@token_required
@accepts(body={"note": None})
def resolve_flag(public_id: str) -> tuple[Response, int]:
    """Staff reviewed the badge: {"note": "..."}; revoking, if decided, is a separate action."""
    flag = reviews.flag_in_scope(get_session(), public_id, [writer().id])
    reviews.resolve(flag, by=current_user(), data=json_body(), now=now())
    return commit_and_render(flag, flag_json)
