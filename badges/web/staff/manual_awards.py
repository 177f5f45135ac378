"""Awarding a badge by hand, from the beneficiary's file: for classes without an automatic rule, or when a
médiateur saw the skill outside a graded atelier. The badge is signed at once; the award page follows."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Role
from badges.services.credentials import issuance
from badges.services.programme import awarding, beneficiary_listing, shared_classes
from badges.services.programme.awarding import Issuing
from badges.services.shared.errors import Conflict, InvalidInput, NotFound, RuleError
from badges.services.shared.messages import N_, message
from badges.web.context import keyring, links, now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.beneficiaries import DETAIL, person_of
from badges.web.staff.forms import commit_and_redirect, invalid

# The evidence's title in the signed badge (the médiateur's text is its narrative).
CHOOSE_BADGE = message("award.choose_badge", N_("Choisissez le badge à délivrer."))


EVIDENCE_NAME = "Observation par l'équipe du tiers-lieu"


def _evidence(note: str) -> list[dict[str, str]]:
    """The médiateur's note as the badge's evidence (checked by the service: public text, no profile)."""
    items = [{"name": EVIDENCE_NAME, "narrative": note}] if note else None
    try:
        return issuance.validate_evidence(items)
    except InvalidInput as exc:
        raise InvalidInput({"evidence": next(iter(exc.field_messages.values()))}) from None


@bp.post("/beneficiaries/<beneficiary_id>/award")
@role_required(Role.STAFF)
def beneficiary_award(beneficiary_id: str) -> Response | tuple[str, int]:
    person, session = person_of(beneficiary_id), get_session()
    chosen, note = request.form.get("badge_class", ""), request.form.get("evidence", "").strip()
    try:
        if not chosen:
            raise InvalidInput({"badge_class": CHOOSE_BADGE})
        badge = shared_classes.for_awarding(session, issuer=own_issuer(), public_id=chosen)
        credential = awarding.award_by_hand(
            session, Issuing(keyring(), links(), now()), badge=badge, person=person, evidence=_evidence(note)
        )
    except InvalidInput as exc:
        errors = say_fields(exc)
    except (NotFound, RuleError, Conflict) as exc:
        errors = {"badge_class": say_error(exc)}
    else:
        message = _(
            "Le badge « %(badge)s » est délivré à %(name)s.", badge=badge.name, name=person.display_name
        )
        return commit_and_redirect(message, "staff.award", award_id=credential.public_id)
    session.rollback()  # before reading the file again: nothing of the attempt stays
    record = beneficiary_listing.file_of(session, person)
    return invalid(DETAIL, errors, person=record, form={"badge_class": chosen, "evidence": note})
