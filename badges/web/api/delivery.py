"""Handing awards over (staff token): print the certificate, e-mail the beneficiary, private page links."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext

from badges import db
from badges.db import get_session
from badges.jobs import mail as mail_jobs
from badges.models import Beneficiary, Credential
from badges.models.job import DONE
from badges.services.credentials import sharing
from badges.services.holders import access_card, delivery
from badges.services.holders.private_link import page_url, private_token, renew
from badges.services.programme import beneficiaries
from badges.services.shared import job_records
from badges.web import job_status
from badges.web.api import bp
from badges.web.api.awards import own_award
from badges.web.api.inputs import accepts
from badges.web.auth import staff_issuer, token_required
from badges.web.context import link_secret, links, mail_settings, now
from badges.web.files import certificate_pdf, file_response


def _beneficiary(public_id: str) -> Beneficiary:
    return beneficiaries.for_issuer(get_session(), issuer=staff_issuer(), public_id=public_id)


@bp.get("/awards/<public_id>/delivery")
@db.writes
@token_required
@accepts()
def award_delivery(public_id: str) -> Response:
    """What a médiateur needs to hand the badge to someone, with or without e-mail: the claim code, the
    certificate, where the QR code leads, the person's private page ("Mes badges") and its access card."""
    credential = own_award(public_id)
    code = sharing.claim_code(get_session(), credential=credential, now=now())
    person = credential.beneficiary
    body = {
        "claim_code": sharing.format_code(code),
        "certificate": links().base + f"/api/v1/awards/{public_id}/certificate.pdf",
        "verification_url": f"{links().base}/verifier?code={code}",
        "private": sharing.is_private(get_session(), credential),
        "can_email": person is not None and bool(person.email),
        "private_page": _private_page(person) if person is not None else None,
        "access_card": _access_card_url(person) if person is not None else None,
        # The last e-mail of this badge (a job): its state, attempts, next attempt; null if never sent.
        "email": job_status.as_json(
            job_records.latest(get_session(), kind=mail_jobs.AWARD_EMAIL, credential_id=credential.id)
        ),
    }
    get_session().commit()
    return jsonify(body)


def _private_page(person: Beneficiary) -> str:
    """The link of the person's page, made on first use (the same one each time, until renewed)."""
    return page_url(
        links(), private_token(get_session(), beneficiary=person, secret=link_secret(), now=now())
    )


def _access_card_url(person: Beneficiary) -> str:
    return links().base + f"/api/v1/beneficiaries/{person.public_id}/access-card.pdf"


@bp.get("/awards/<public_id>/certificate.pdf")
@db.writes
@token_required
@accepts()
def award_certificate(public_id: str) -> Response:
    credential = own_award(public_id)
    return certificate_pdf(credential, f"certificat-{public_id}.pdf", inline=False)


@bp.post("/awards/<public_id>/send")
@token_required
@accepts()
def send_award(public_id: str) -> Response | tuple[Response, int]:
    """E-mail the badge to its beneficiary: 202, a job the worker sends (retried while the mail server does
    not answer); its state is in `email` here and in the delivery answer. 200 "sent": false without a
    mail server (nothing would leave)."""
    credential: Credential = own_award(public_id)
    person = delivery.check_sendable(credential)
    if not mail_settings().host:
        return jsonify({"sent": False, "to": person.email})
    job = mail_jobs.queue_award_email(get_session(), credential)
    get_session().commit()
    state = job_status.as_json(job_records.state_of(job))
    return jsonify({"sent": job.state == DONE, "to": person.email, "email": state}), 202


def _link_json(beneficiary: Beneficiary, token: str) -> dict[str, Any]:
    return {"beneficiary": beneficiary.public_id, "url": page_url(links(), token)}


@bp.get("/beneficiaries/<public_id>/private-link")
@db.writes
@token_required
@accepts()
def private_link(public_id: str) -> Response:
    """The link of the person's private page (the same one each time, until renewed)."""
    beneficiary = _beneficiary(public_id)
    token = private_token(get_session(), beneficiary=beneficiary, secret=link_secret(), now=now())
    get_session().commit()
    return jsonify(_link_json(beneficiary, token))


@bp.get("/beneficiaries/<public_id>/access-card.pdf")
@db.writes
@token_required
@accepts()
def access_card_pdf(public_id: str) -> Response:
    """The FALC card with the private page's link and QR code, to print and hand over."""
    person = _beneficiary(public_id)
    data = access_card.card_data(get_session(), links(), person, secret=link_secret(), now=now())
    body = access_card.render(data, gettext)
    get_session().commit()
    return file_response(body, "application/pdf", f"carte-mes-badges-{public_id}.pdf", inline=False)


@bp.post("/beneficiaries/<public_id>/private-link")
@token_required
@accepts()
def renew_private_link(public_id: str) -> Response:
    """A new link when the old one is lost or leaked: the old one stops working at once."""
    beneficiary = _beneficiary(public_id)
    token = renew(get_session(), beneficiary=beneficiary, secret=link_secret(), now=now())
    get_session().commit()
    return jsonify(_link_json(beneficiary, token))
