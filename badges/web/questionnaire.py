"""The questionnaire a partner of a closed pathway answers through its link (no account, no password).

The token in the address is the key, as for the beneficiaries' private links: never cached, never
indexed, no Referer; a form posts to an address holding the token, which is its CSRF protection.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import Questionnaire
from badges.services.programme import closing
from badges.services.shared.errors import InvalidInput
from badges.web.context import now
from badges.web.holder import private_page
from badges.web.i18n import say_fields
from badges.web.public_blueprint import bp

PAGE = "public/questionnaire.html"


def _page(found: Questionnaire, form: dict[str, Any], errors: dict[str, str], done: bool = False) -> str:
    return render_template(
        PAGE,
        questionnaire=found,
        title=found.pathway.title,
        place=found.pathway.issuer.name,
        form=form,
        errors=errors,
        done=done,
    )


def _current(found: Questionnaire) -> dict[str, Any]:
    form: dict[str, Any] = {name: str(getattr(found, name) or "") for name in closing.SCALES}
    form.update({name: getattr(found, name) for name in closing.TEXTS})
    return form


@bp.route("/questionnaire/<token>", methods=["GET", "POST"])
@private_page
def questionnaire(token: str) -> Response | str | tuple[str, int]:
    session = get_session()
    found = closing.by_token(session, token)
    if request.method == "GET":
        return _page(found, _current(found), {})
    data = {name: request.form.get(name, "").strip() for name in (*closing.SCALES, *closing.TEXTS)}
    try:
        closing.answer(session, questionnaire=found, data=data, now=now())
    except InvalidInput as exc:
        session.rollback()
        errors = say_fields(exc)
        errors = {
            name: (_("Choisissez une réponse.") if name in closing.SCALES else m)
            for name, m in errors.items()
        }
        return _page(found, data, errors), 422
    session.commit()
    return _page(found, data, {}, done=True)
