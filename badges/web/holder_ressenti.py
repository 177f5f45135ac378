"""The person's own ressenti, on their phone, through their private link (/mes-badges/<token>).

"Comment s'est passé l'atelier du 12 mars ?": for the recent ateliers they came to, once per atelier,
editable until the answer window closes (BADGES_RESSENTI_OPEN_DAYS). The token in the address is the key,
as on the other private pages (badges/web/holder.py): never cached, never indexed, no Referer.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from badges.db import get_session
from badges.models import Atelier, Beneficiary
from badges.services.programme import ressenti
from badges.services.shared.errors import InvalidInput, NotFound
from badges.web.context import now, today
from badges.web.holder import _person, private_page
from badges.web.i18n import say_fields
from badges.web.public_blueprint import bp
from badges.web.ressenti_form import sentences, submitted

PAGE = "holder/ressenti.html"


def open_days() -> int:
    return int(current_app.config.get("RESSENTI_OPEN_DAYS", 14))


def _atelier(person: Beneficiary, atelier_id: str) -> Atelier:
    """An atelier the person came to and can still answer about; any other is not found."""
    found = ressenti.attended_atelier(get_session(), person, atelier_id)
    if not ressenti.is_open(found, today=today(), open_days=open_days()):
        raise NotFound(ressenti.CLOSED)
    return found


def _page(token: str, found: Atelier, form: Any, errors: dict[str, str], answered: bool) -> str:
    return render_template(
        PAGE,
        token=token,
        atelier={"id": found.public_id, "title": found.title, "held_on": found.held_on},
        sentences=sentences(found),
        feelings=ressenti.FEELINGS,
        form=form,
        errors=errors,
        answered=answered,
        done=request.args.get("fait") == "oui",
        words_max=ressenti.WORDS_MAX,
    )


@bp.route("/mes-badges/<token>/ateliers/<atelier_id>/ressenti", methods=["GET", "POST"])
@private_page
def my_ressenti(token: str, atelier_id: str) -> BaseResponse | str | tuple[str, int]:
    person = _person(token)
    found = _atelier(person, atelier_id)
    session = get_session()
    stored = ressenti.answer_of(session, found, person)
    if request.method == "GET":
        return _page(token, found, ressenti.form_of(stored), {}, stored is not None)
    data = submitted()
    try:
        ressenti.record(session, atelier=found, beneficiary=person, data=data, source="lien", now=now())
    except InvalidInput as exc:
        session.rollback()
        return _page(token, found, {"feeling": "", **data}, say_fields(exc), stored is not None), 422
    session.commit()
    target = url_for("public.my_ressenti", token=token, atelier_id=atelier_id, fait="oui")
    return redirect(target + "#merci", code=303)
