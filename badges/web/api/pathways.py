"""Pathways, partner agencies, enrolments, ateliers, attendance and personal criteria (staff token)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from badges.db import get_session
from badges.models import Agency, Atelier, Beneficiary, Enrolment, Pathway, PersonalCriterion, User
from badges.services.accounts.network import AGENCY_NOT_FOUND
from badges.services.programme import beneficiaries, evaluation, pathways
from badges.services.programme.awarding import Issuing
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.validation import REQUIRED
from badges.web.api import bp, json_body, paginate
from badges.web.api.inputs import PAGE, accepts
from badges.web.api.programme import beneficiary_json, outcome_json
from badges.web.api.scope import commit_and_render, commit_no_content, readable_issuers, scoped, writer
from badges.web.auth import current_user, token_required
from badges.web.context import keyring, links, now

AGENCY = {"name": None, "department": None}
COUNSELLOR = {"email": None, "name": None}
PATHWAY = {
    name: None
    for name in (
        "title",
        "type",
        "category",
        "start_date",
        "end_date",
        "agency",
        "counsellor",
        "badge_classes",
        "budget",
    )
}
ATELIER = {"title": None, "held_on": None, "duration_minutes": None, "competencies": None}


def agency_json(agency: Agency) -> dict[str, Any]:
    return {"id": agency.public_id, "name": agency.name, "department": agency.department}


def counsellor_json(user: User) -> dict[str, Any]:
    return {
        "id": user.public_id,
        "name": user.name,
        "email": user.email,
        "agency": user.agency.public_id if user.agency else None,
    }


def pathway_json(pathway: Pathway) -> dict[str, Any]:
    return {
        "id": pathway.public_id,
        "title": pathway.title,
        "type": pathway.type,
        "category": pathway.category,
        "budget": pathway.budget_euros,
        "start_date": pathway.start_date.isoformat(),
        "end_date": pathway.end_date.isoformat() if pathway.end_date else None,
        "agency": agency_json(pathway.agency) if pathway.agency else None,
        "counsellor": counsellor_json(pathway.counsellor) if pathway.counsellor else None,
        "badge_classes": [b.public_id for b in pathway.badge_classes],
        "beneficiaries": len(pathway.enrolments),
        "ateliers": len(pathway.ateliers),
    }


def atelier_json(atelier: Atelier) -> dict[str, Any]:
    return {
        "id": atelier.public_id,
        "pathway": atelier.pathway.public_id,
        "title": atelier.title,
        "held_on": atelier.held_on.isoformat(),
        "duration_minutes": atelier.duration_minutes,
        "competencies": [c.ref for c in atelier.competencies],
        "attendance": [
            {"beneficiary": a.beneficiary.public_id, "present": a.present} for a in atelier.attendances
        ],
    }


def criteria_json(criteria: list[PersonalCriterion]) -> dict[str, Any]:
    return {
        "criteria": [
            {
                "position": c.position,
                "text": c.text,
                "start": c.rating_start,
                "during": c.rating_during,
                "end": c.rating_end,
            }
            for c in criteria
        ]
    }


def _issuing() -> Issuing:
    return Issuing(keyring(), links(), now())


def _pathway(public_id: str, *, write: bool = False) -> Pathway:
    scope = [writer().id] if write else readable_issuers()
    return pathways.pathway_in_scope(get_session(), public_id, scope)


def _atelier(public_id: str, *, write: bool = False) -> Atelier:
    scope = [writer().id] if write else readable_issuers()
    return pathways.atelier_in_scope(get_session(), public_id, scope)


def _beneficiary(data: dict[str, Any], pathway: Pathway) -> Beneficiary:
    if not isinstance(data.get("beneficiary"), str):
        raise InvalidInput({"beneficiary": REQUIRED})
    return beneficiaries.in_scope(
        get_session(), public_id=data["beneficiary"], issuer_ids=[pathway.issuer_id]
    )


@bp.get("/agencies")
@token_required
@accepts(query=PAGE)
def list_agencies() -> Response:
    readable_issuers()
    return jsonify(paginate(select(Agency).order_by(Agency.name, Agency.id), agency_json))


@bp.post("/agencies")
@token_required
@accepts(body=AGENCY)
def create_agency() -> tuple[Response, int]:
    agency = pathways.create_agency(get_session(), by=current_user(), data=json_body(), now=now())
    return commit_and_render(agency, agency_json, 201)


@bp.post("/agencies/<public_id>/counsellors")
@token_required
@accepts(body=COUNSELLOR)
def create_counsellor(public_id: str) -> tuple[Response, int]:
    agency = pathways.agency_by_id(get_session(), public_id)
    if agency is None:
        raise NotFound(AGENCY_NOT_FOUND)
    user = pathways.create_counsellor(
        get_session(), by=current_user(), agency=agency, data=json_body(), now=now()
    )
    return commit_and_render(user, counsellor_json, 201)


@bp.get("/pathways")
@token_required
@accepts(query=PAGE)
def list_pathways() -> Response:
    query = select(Pathway).order_by(Pathway.start_date.desc(), Pathway.id)
    query = scoped(query, Pathway.issuer_id)
    return jsonify(paginate(query, pathway_json))


@bp.post("/pathways")
@token_required
@accepts(body=PATHWAY)
def create_pathway() -> tuple[Response, int]:
    pathway = pathways.create_pathway(get_session(), issuer=writer(), data=json_body(), now=now())
    return commit_and_render(pathway, pathway_json, 201)


@bp.get("/pathways/<public_id>")
@token_required
@accepts()
def get_pathway(public_id: str) -> Response:
    return jsonify(pathway_json(_pathway(public_id)))


@bp.patch("/pathways/<public_id>")
@token_required
@accepts(body=PATHWAY)
def update_pathway(public_id: str) -> tuple[Response, int]:
    pathway = pathways.update_pathway(
        get_session(), pathway=_pathway(public_id, write=True), data=json_body()
    )
    return commit_and_render(pathway, pathway_json)


@bp.delete("/pathways/<public_id>")
@token_required
@accepts()
def delete_pathway(public_id: str) -> tuple[str, int]:
    get_session().delete(_pathway(public_id, write=True))
    return commit_no_content()


@bp.get("/pathways/<public_id>/enrolments")
@token_required
@accepts(query=PAGE)
def list_enrolments(public_id: str) -> Response:
    pathway = _pathway(public_id)
    query = (
        select(Beneficiary)
        .join(Enrolment)
        .where(Enrolment.pathway_id == pathway.id)
        .order_by(Beneficiary.display_name, Beneficiary.id)
    )
    return jsonify(paginate(query, beneficiary_json))


@bp.post("/pathways/<public_id>/enrolments")
@token_required
@accepts(body={"beneficiary": None})
def enrol(public_id: str) -> tuple[Response, int]:
    pathway = _pathway(public_id, write=True)
    person = _beneficiary(json_body(), pathway)
    pathways.enrol(get_session(), pathway=pathway, beneficiary=person, now=now())
    return commit_and_render(person, beneficiary_json, 201)


@bp.delete("/pathways/<public_id>/enrolments/<beneficiary_id>")
@token_required
@accepts()
def unenrol(public_id: str, beneficiary_id: str) -> tuple[str, int]:
    pathway = _pathway(public_id, write=True)
    person = _beneficiary({"beneficiary": beneficiary_id}, pathway)
    pathways.unenrol(get_session(), pathway=pathway, beneficiary=person)
    return commit_no_content()


@bp.get("/pathways/<public_id>/ateliers")
@token_required
@accepts(query=PAGE)
def list_ateliers(public_id: str) -> Response:
    pathway = _pathway(public_id)
    query = select(Atelier).where(Atelier.pathway_id == pathway.id).order_by(Atelier.held_on, Atelier.id)
    return jsonify(paginate(query, atelier_json))


@bp.post("/pathways/<public_id>/ateliers")
@token_required
@accepts(body=ATELIER)
def create_atelier(public_id: str) -> tuple[Response, int]:
    pathway = _pathway(public_id, write=True)
    atelier = pathways.create_atelier(get_session(), pathway=pathway, data=json_body(), now=now())
    return commit_and_render(atelier, atelier_json, 201)


@bp.get("/ateliers/<public_id>")
@token_required
@accepts()
def get_atelier(public_id: str) -> Response:
    return jsonify(atelier_json(_atelier(public_id)))


@bp.patch("/ateliers/<public_id>")
@token_required
@accepts(body=ATELIER)
def update_atelier(public_id: str) -> tuple[Response, int]:
    atelier = pathways.update_atelier(
        get_session(), atelier=_atelier(public_id, write=True), data=json_body()
    )
    return commit_and_render(atelier, atelier_json)


@bp.delete("/ateliers/<public_id>")
@token_required
@accepts()
def delete_atelier(public_id: str) -> tuple[str, int]:
    get_session().delete(_atelier(public_id, write=True))
    return commit_no_content()


@bp.put("/ateliers/<public_id>/attendance")
@token_required
@accepts(body={"attendance": [{"beneficiary": None, "present": None}]})
def record_attendance(public_id: str) -> tuple[Response, int]:
    """{"attendance": [{"beneficiary": id, "present": bool}]}; badges now due by attendance follow."""
    atelier = _atelier(public_id, write=True)
    _, outcome = evaluation.record_attendance_and_award(
        get_session(), _issuing(), atelier=atelier, data=json_body()
    )
    return commit_and_render(outcome, lambda o: {"atelier": atelier_json(atelier), **outcome_json(o)})


@bp.get("/pathways/<public_id>/beneficiaries/<beneficiary_id>/criteria")
@token_required
@accepts()
def get_criteria(public_id: str, beneficiary_id: str) -> Response:
    pathway = _pathway(public_id)
    person = _beneficiary({"beneficiary": beneficiary_id}, pathway)
    return jsonify(criteria_json(evaluation.criteria_of(get_session(), pathway=pathway, beneficiary=person)))


@bp.put("/pathways/<public_id>/beneficiaries/<beneficiary_id>/criteria")
@token_required
@accepts(body={"criteria": [{"text": None, "rating": None}]})
def set_criteria(public_id: str, beneficiary_id: str) -> tuple[Response, int]:
    """At the start: {"criteria": [{"text": ..., "rating": "N1"}, ...]} (3 or 4)."""
    pathway = _pathway(public_id, write=True)
    person = _beneficiary({"beneficiary": beneficiary_id}, pathway)
    criteria = evaluation.set_criteria(
        get_session(), pathway=pathway, beneficiary=person, data=json_body(), now=now()
    )
    return commit_and_render(criteria, criteria_json)


@bp.post("/pathways/<public_id>/beneficiaries/<beneficiary_id>/criteria/ratings")
@token_required
@accepts(body={"moment": None, "ratings": None})
def rate_criteria(public_id: str, beneficiary_id: str) -> tuple[Response, int]:
    """Later: {"moment": "pendant" | "apres", "ratings": ["N2", ...]} (one per objective)."""
    pathway = _pathway(public_id, write=True)
    person = _beneficiary({"beneficiary": beneficiary_id}, pathway)
    criteria = evaluation.rate_criteria(
        get_session(), pathway=pathway, beneficiary=person, data=json_body(), now=now()
    )
    return commit_and_render(criteria, criteria_json)
