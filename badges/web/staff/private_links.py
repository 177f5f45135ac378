"""The beneficiary's private page ("Mes badges") for staff: its link and QR code, the access card, renewal.

People without e-mail reach their badges only through what staff hand them: this card or the certificate.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from badges import db
from badges.db import get_session
from badges.models import Beneficiary, Role
from badges.services.credentials import qr
from badges.services.holders import access_card, award_listing, private_link
from badges.services.programme import beneficiaries
from badges.services.shared.errors import NotFound
from badges.web.context import link_secret, links, now
from badges.web.files import file_response
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.forms import commit_and_redirect, confirmed

RENEW_PAGE = "staff/beneficiaries/renew_link.html"


def _person(beneficiary_id: str) -> Beneficiary:
    return beneficiaries.for_issuer(get_session(), issuer=own_issuer(), public_id=beneficiary_id)


def link_panel(person: Beneficiary) -> dict[str, Any]:
    """The link and its QR code, made on first view (the caller's GET view commits)."""
    token = private_link.private_token(get_session(), beneficiary=person, secret=link_secret(), now=now())
    url = private_link.page_url(links(), token)
    title = _("QR code de la page « Mes badges » de %(name)s", name=person.display_name)
    return {"beneficiary": person.public_id, "url": url, "qr_image": qr.svg_data_uri(url, title=title)}


def _back_award(person: Beneficiary) -> str | None:
    """The award page the renewal was asked from, if it is one of this person's (never a free URL)."""
    award_id = request.form.get("award", "")
    if not award_id:
        return None
    try:
        credential = award_listing.award_of(get_session(), issuer=own_issuer(), public_id=award_id)
    except NotFound:
        return None
    return award_id if credential.beneficiary_id == person.id else None


@bp.get("/beneficiaries/<beneficiary_id>/access-card.pdf")
@db.writes
@role_required(Role.STAFF)
def access_card_pdf(beneficiary_id: str) -> Response:
    """The FALC card to print, cut out and hand over; printing makes the link if it does not exist."""
    person = _person(beneficiary_id)
    data = access_card.card_data(get_session(), links(), person, secret=link_secret(), now=now())
    body = access_card.render(data, _)
    get_session().commit()
    return file_response(body, "application/pdf", f"carte-mes-badges-{beneficiary_id}.pdf", inline=True)


@bp.post("/beneficiaries/<beneficiary_id>/private-link/renew")
@role_required(Role.STAFF)
def private_link_renew(beneficiary_id: str) -> BaseResponse | str:
    """Step 1 says what stops working; step 2 (confirm=yes) makes a new link, the old one dies at once."""
    person = _person(beneficiary_id)
    award_id = _back_award(person)
    if not confirmed():
        return render_template(RENEW_PAGE, person=person, award_id=award_id)
    private_link.renew(get_session(), beneficiary=person, secret=link_secret(), now=now())
    message = _("Nouveau lien créé. L’ancien lien ne marche plus : imprimez une nouvelle carte.")
    if award_id:
        return commit_and_redirect(message, "staff.award", award_id=award_id)
    return commit_and_redirect(message, "staff.beneficiary", beneficiary_id=beneficiary_id)
