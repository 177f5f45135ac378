"""The médiateur's tablet round at the end of an atelier: one screen per person present, then "Suivant".

Each person gives their ressenti (services/programme/ressenti.py); the group's answers show on the atelier
page as counts (ressenti_listing), never as a ranking. A person's answers are also exported as JSON for
their GDPR right of access.
"""

from __future__ import annotations

import json
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Atelier, Beneficiary, Role
from badges.services.programme import beneficiaries, programme_listing, ressenti, ressenti_listing
from badges.services.shared.errors import InvalidInput, NotFound
from badges.web.context import now
from badges.web.files import file_response
from badges.web.i18n import say_fields
from badges.web.ressenti_form import sentences, submitted
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.ateliers import atelier_of
from badges.web.staff.forms import commit_and_redirect, invalid

ROUND = "staff/programme/ressenti_round.html"
START = "staff/programme/ressenti_start.html"


@bp.get("/ateliers/<atelier_id>/ressenti")
@role_required(Role.STAFF)
def ressenti_start(atelier_id: str) -> str:
    found = atelier_of(atelier_id)
    people = ressenti_listing.participants(get_session(), found)
    detail = programme_listing.atelier_detail(get_session(), found)
    return render_template(START, atelier=detail, people=people)


def _person(found: Atelier, beneficiary_id: str) -> tuple[Beneficiary, list[ressenti_listing.Participant]]:
    """A person present at this atelier (anyone else, or another tiers-lieu's, is 404)."""
    person = beneficiaries.for_issuer(get_session(), issuer=own_issuer(), public_id=beneficiary_id)
    people = ressenti_listing.participants(get_session(), found)
    if person.public_id not in {p["id"] for p in people}:
        raise NotFound(ressenti.NOT_PRESENT)
    return person, people


def _screen(found: Atelier, person: Beneficiary, people: list[Any], form: Any, errors: dict[str, str]) -> Any:
    position = [p["id"] for p in people].index(person.public_id)
    context = {
        "atelier": programme_listing.atelier_detail(get_session(), found),
        "person": {"id": person.public_id, "name": person.display_name},
        "position": position + 1,
        "total": len(people),
        "sentences": sentences(found),
        "feelings": ressenti.FEELINGS,
        "form": form,
        "words_max": ressenti.WORDS_MAX,
        # The tablet goes from hand to hand: no menu to the rest of the staff space on these screens.
        "nav": None,
    }
    if errors:
        return invalid(ROUND, errors, **context)
    return render_template(ROUND, errors={}, **context)


def _next(found: Atelier, people: list[Any], person: Beneficiary) -> Response:
    ids = [p["id"] for p in people]
    position = ids.index(person.public_id)
    if position + 1 < len(ids):
        target = url_for(
            "staff.ressenti_person", atelier_id=found.public_id, beneficiary_id=ids[position + 1]
        )
        return redirect(target, 303)
    return commit_and_redirect(
        _("Merci. Le tour du groupe est fini."),
        "staff.atelier",
        atelier_id=found.public_id,
        _anchor="ressenti",
    )


@bp.route("/ateliers/<atelier_id>/ressenti/<beneficiary_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def ressenti_person(atelier_id: str, beneficiary_id: str) -> Response | str | tuple[str, int]:
    """One person's screen; "Suivant" saves and opens the next person's, "Passer" saves nothing."""
    found = atelier_of(atelier_id)
    person, people = _person(found, beneficiary_id)
    session = get_session()
    if request.method == "GET":
        return _screen(
            found, person, people, ressenti.form_of(ressenti.answer_of(session, found, person)), {}
        )
    if request.form.get("action") == "passer":
        return _next(found, people, person)
    data = submitted()
    try:
        ressenti.record(session, atelier=found, beneficiary=person, data=data, source="tablette", now=now())
    except InvalidInput as exc:
        return _screen(found, person, people, {"feeling": "", **data}, say_fields(exc))
    session.commit()
    return _next(found, people, person)


@bp.get("/beneficiaries/<beneficiary_id>/ressenti.json")
@role_required(Role.STAFF)
def ressenti_export(beneficiary_id: str) -> Response:
    """The person's ressenti answers, for their right of access (GDPR art. 15)."""
    person = beneficiaries.for_issuer(get_session(), issuer=own_issuer(), public_id=beneficiary_id)
    body = json.dumps(ressenti.export_for(get_session(), person), ensure_ascii=False, indent=2)
    return file_response(body, "application/json", "ressenti.json")
