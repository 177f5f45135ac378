"""Programme data: badge classes and beneficiaries (staff token, scoped to the staff member's tiers-lieu)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from badges.db import get_session
from badges.models import BadgeClass, Beneficiary, Enrolment, Pathway
from badges.services.credentials import revisions
from badges.services.programme import awarding, badge_classes, beneficiaries, pathway_badges, rules
from badges.web.api import bp, json_body, paginate
from badges.web.api.awards import award_json
from badges.web.api.inputs import PAGE, accepts
from badges.web.api.scope import arg, commit_and_render, commit_no_content, readable_issuers, scoped, writer
from badges.web.auth import token_required
from badges.web.context import keyring, links, now

BADGE_CLASS = {
    **{name: None for name in badge_classes.EDITABLE},
    # Each rule type also refuses the parameters of the other types (services/programme/rules.py).
    "rule": [
        {"type": None, "level": None, "competencies": None, "at_least": None, "ateliers": None, "hours": None}
    ],
}
BENEFICIARY = {name: None for name in beneficiaries.FIELDS}


def badge_class_json(badge: BadgeClass) -> dict[str, Any]:
    urls, latest = links(), revisions.latest_of(badge)
    return {
        "id": badge.public_id,
        "name": badge.name,
        "description": badge.description,
        "criteria_narrative": badge.criteria_narrative,
        "criteria_composed": badge.criteria_composed,
        "level": badge.level,
        # Internal, for staff: never part of the published achievement.
        "profile": badge.profile,
        "tags": list(badge.tags or []),
        "validity_days": badge.validity_days,
        "competencies": badge_classes.competency_refs(badge.competencies),
        "rule": rules.to_json(get_session(), badge.rule or []),
        "pathway_badge": pathway_badges.to_json(get_session(), badge),
        "image_uploaded": badge.image_uploaded,
        # Shared with the network: other tiers-lieux award it (staff share it from the class's page).
        "shared": badge.shared_at is not None,
        "revision": latest.number,
        "revisions": [
            {"number": r.number, "id": r.public_id, "created_at": r.created_at.isoformat()}
            for r in badge.revisions
        ],
        "achievement": urls.achievement(latest.public_id),
        "ob2_badge_class": urls.ob2_badge(latest.public_id),
        "image": urls.badge_image(latest.public_id),
    }


def beneficiary_json(beneficiary: Beneficiary) -> dict[str, Any]:
    return {
        "id": beneficiary.public_id,
        "subject_id": beneficiary.subject_id,
        "display_name": beneficiary.display_name,
        "email": beneficiary.email,
        "phone": beneficiary.phone,
        "profile": beneficiary.profile,
        "show_name_in_badges": beneficiary.show_name_in_badges,
        "needs_french_support": beneficiary.needs_french_support,
        "consent": beneficiary.consent_at is not None,
        "consent_at": beneficiary.consent_at.isoformat() if beneficiary.consent_at else None,
    }


def outcome_json(outcome: awarding.Outcome) -> dict[str, Any]:
    return {
        "issued": [award_json(c) for c in outcome.issued],
        "pending": [
            {
                "id": p.public_id,
                "badge_class": p.badge_class.public_id,
                "beneficiary": p.beneficiary.public_id,
            }
            for p in outcome.pending
        ],
        "flags": [f.public_id for f in outcome.flags],
        # Why each badge the atelier can lead to was not issued (grids only): rules.Shortfall as data.
        "not_issued": [
            {
                "badge_class": n.badge.public_id,
                "beneficiary": n.person.public_id,
                "reasons": [asdict(r) for r in n.reasons],
            }
            for n in outcome.not_issued
        ],
    }


@bp.get("/badge-classes")
@token_required
@accepts(query=PAGE)
def list_badge_classes() -> Response:
    query = select(BadgeClass).order_by(BadgeClass.name, BadgeClass.id)
    query = scoped(query, BadgeClass.issuer_id)
    return jsonify(paginate(query, badge_class_json))


@bp.post("/badge-classes")
@token_required
@accepts(body=BADGE_CLASS)
def create_badge_class() -> tuple[Response, int]:
    badge = badge_classes.create_badge_class(get_session(), issuer=writer(), data=json_body(), now=now())
    return commit_and_render(badge, badge_class_json, 201)


@bp.get("/badge-classes/<public_id>")
@token_required
@accepts()
def get_badge_class(public_id: str) -> Response:
    badge = badge_classes.in_scope(get_session(), public_id=public_id, issuer_ids=readable_issuers())
    return jsonify(badge_class_json(badge))


@bp.patch("/badge-classes/<public_id>")
@token_required
@accepts(body=BADGE_CLASS)
def update_badge_class(public_id: str) -> tuple[Response, int]:
    session = get_session()
    badge = badge_classes.for_issuer(session, issuer=writer(), public_id=public_id)
    return commit_and_render(
        badge_classes.update_badge_class(session, badge=badge, data=json_body(), now=now()), badge_class_json
    )


@bp.delete("/badge-classes/<public_id>")
@token_required
@accepts()
def delete_badge_class(public_id: str) -> tuple[str, int]:
    session = get_session()
    badge_classes.delete_badge_class(
        session, badge=badge_classes.for_issuer(session, issuer=writer(), public_id=public_id)
    )
    return commit_no_content()


@bp.get("/beneficiaries")
@token_required
@accepts(query=(*PAGE, "pathway"))
def list_beneficiaries() -> Response:
    """`?pathway=<id>` keeps the beneficiaries enrolled in that pathway."""
    query = select(Beneficiary).order_by(Beneficiary.display_name, Beneficiary.id)
    query = scoped(query, Beneficiary.issuer_id)
    pathway = arg("pathway")
    if pathway is not None:
        query = query.join(Enrolment).join(Pathway).where(Pathway.public_id == pathway)
    return jsonify(paginate(query, beneficiary_json))


@bp.post("/beneficiaries")
@token_required
@accepts(body=BENEFICIARY)
def create_beneficiary() -> tuple[Response, int]:
    person = beneficiaries.create_beneficiary(get_session(), issuer=writer(), data=json_body(), now=now())
    return commit_and_render(person, beneficiary_json, 201)


@bp.get("/beneficiaries/<public_id>")
@token_required
@accepts()
def get_beneficiary(public_id: str) -> Response:
    person = beneficiaries.in_scope(get_session(), public_id=public_id, issuer_ids=readable_issuers())
    return jsonify(beneficiary_json(person))


@bp.patch("/beneficiaries/<public_id>")
@token_required
@accepts(body=BENEFICIARY)
def update_beneficiary(public_id: str) -> tuple[Response, int]:
    session = get_session()
    person = beneficiaries.for_issuer(session, issuer=writer(), public_id=public_id)
    return commit_and_render(
        beneficiaries.update_beneficiary(session, beneficiary=person, data=json_body()), beneficiary_json
    )


@bp.delete("/beneficiaries/<public_id>")
@token_required
@accepts()
def delete_beneficiary(public_id: str) -> tuple[str, int]:
    session = get_session()
    beneficiaries.delete_beneficiary(
        session, beneficiary=beneficiaries.for_issuer(session, issuer=writer(), public_id=public_id)
    )
    return commit_no_content()


@bp.post("/beneficiaries/<public_id>/consent")
@token_required
@accepts()
def record_consent(public_id: str) -> tuple[Response, int]:
    """Record consent (dated now); the badges that were waiting for it are issued in the same request."""
    session = get_session()
    person = beneficiaries.for_issuer(session, issuer=writer(), public_id=public_id)
    outcome = awarding.on_consent(session, awarding.Issuing(keyring(), links(), now()), person)
    return commit_and_render(outcome, lambda o: {"beneficiary": beneficiary_json(person), **outcome_json(o)})
