"""Beneficiaries of the tiers-lieu: list, add, edit, consent, CSV import; the counsellor's agency view."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges import db
from badges.db import get_session
from badges.jobs import imports
from badges.models import Beneficiary, Role
from badges.services.programme import (
    awarding,
    beneficiaries,
    beneficiary_import,
    beneficiary_listing,
    outcome_listing,
)
from badges.services.shared.errors import InvalidInput, RowErrors
from badges.services.shared.messages import N_, message
from badges.web.context import now
from badges.web.i18n import say_error, say_fields, say_rows
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.actors import kind_labels
from badges.web.staff.ateliers import issuing, outcome_message
from badges.web.staff.forms import commit_and_redirect, invalid, values
from badges.web.staff.identity import signed_in
from badges.web.staff.labels import PROFILE_LABELS, friendly, options
from badges.web.staff.private_links import link_panel

CHOOSE_CSV = message("import.choose_csv", N_("Choisissez un fichier CSV."))


FORM = "staff/beneficiaries/form.html"
IMPORT = "staff/beneficiaries/import.html"
DETAIL = "staff/beneficiaries/detail.html"
TEXTS = ("display_name", "email", "phone", "profile")
FLAGS = ("show_name_in_badges", "needs_french_support")


def person_of(beneficiary_id: str) -> Beneficiary:
    """A beneficiary of the signed-in member's tiers-lieu; another's is 404."""
    return beneficiaries.for_issuer(get_session(), issuer=own_issuer(), public_id=beneficiary_id)


def _submitted(*, with_consent: bool) -> dict[str, Any]:
    """The form as beneficiaries.validate reads it: empty texts left out, checkboxes as booleans."""
    data: dict[str, Any] = {k: v for k, v in values(*TEXTS).items() if v or k == "display_name"}
    data.update({name: request.form.get(name) == "yes" for name in FLAGS})
    if with_consent:
        data["consent"] = request.form.get("consent") == "yes"
    return data


def _form(form: Mapping[str, object], person: Beneficiary | None, errors: dict[str, str]) -> Any:
    context = {"form": form, "person": person, "profiles": options(PROFILE_LABELS)}
    if errors:
        return invalid(FORM, friendly(errors), **context)
    return render_template(FORM, errors={}, **context)


@bp.get("/beneficiaries")
@role_required(Role.STAFF)
def beneficiaries_list() -> str:
    rows = beneficiary_listing.people(get_session(), issuer=own_issuer())
    return render_template("staff/beneficiaries/list.html", people=rows)


@bp.route("/beneficiaries/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def beneficiary_new() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return _form({}, None, {})
    data = _submitted(with_consent=True)
    try:
        person = beneficiaries.create_beneficiary(get_session(), issuer=own_issuer(), data=data, now=now())
        get_session().flush()
    except InvalidInput as exc:
        return _form({**data, "consent": data.get("consent")}, None, say_fields(exc))
    return commit_and_redirect(_("%(name)s est ajouté(e).", name=person.display_name), "staff.beneficiary",
                beneficiary_id=person.public_id)  # fmt: skip


@bp.get("/beneficiaries/<beneficiary_id>")
@db.writes
@role_required(Role.STAFF)
def beneficiary(beneficiary_id: str) -> str:
    person = person_of(beneficiary_id)
    record = beneficiary_listing.file_of(get_session(), person)
    private = link_panel(person)
    get_session().commit()  # the private link is made on first view
    return render_template(DETAIL, person=record, private=private, form={}, errors={})


@bp.route("/beneficiaries/<beneficiary_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def beneficiary_edit(beneficiary_id: str) -> Response | str | tuple[str, int]:
    person = person_of(beneficiary_id)
    if request.method == "GET":
        return _form(beneficiary_listing.form_of(person), person, {})
    data = _submitted(with_consent=False)
    # A field emptied in the form is cleared (the service leaves out what is not sent).
    data.update({name: None for name in ("email", "phone", "profile") if name not in data})
    try:
        beneficiaries.update_beneficiary(get_session(), beneficiary=person, data=data)
    except InvalidInput as exc:
        return _form(data, person, say_fields(exc))
    return commit_and_redirect(
        _("La fiche est enregistrée."), "staff.beneficiary", beneficiary_id=beneficiary_id
    )


@bp.post("/beneficiaries/<beneficiary_id>/consent")
@role_required(Role.STAFF)
def beneficiary_consent(beneficiary_id: str) -> Response:
    """Record today's consent; the badges waiting for it are issued at once."""
    outcome = awarding.on_consent(get_session(), issuing(), person_of(beneficiary_id))
    message = " ".join(filter(None, [_("L’accord est enregistré."), outcome_message(outcome)]))
    return commit_and_redirect(message, "staff.beneficiary", beneficiary_id=beneficiary_id)


@bp.route("/beneficiaries/import", methods=["GET", "POST"])
@role_required(Role.STAFF)
def beneficiaries_import() -> Response | str | tuple[str, int]:
    """A CSV file: every row checked first; one wrong row and nothing is imported (row-level report);
    a right file is stored by a job whose progress the next page shows."""
    if request.method == "GET":
        return render_template(IMPORT, rows=[], columns=beneficiary_import.COLUMNS)
    upload = request.files.get("fichier")
    raw = upload.read(beneficiary_import.MAX_BYTES + 1) if upload else b""
    try:
        if not raw:
            raise RowErrors([{"row": None, "field": "fichier", "message": CHOOSE_CSV}])
        rows = beneficiary_import.checked(raw)
    except RowErrors as exc:
        return invalid(
            IMPORT,
            {"fichier": say_error(exc)},
            rows=say_rows(exc.said_rows),
            columns=beneficiary_import.COLUMNS,
        )
    # The file is right: a job stores the people (jobs/imports.py), this page's next one shows how far.
    job = imports.queue_import(get_session(), imports.BENEFICIARIES, [(line, 1, row) for line, row in rows],
                               issuer_id=own_issuer().id, user_id=signed_in().id,
                               digest=hashlib.sha256(raw).hexdigest())  # fmt: skip
    return commit_and_redirect(_("Le fichier est vérifié : l’import commence."), "staff.import_job",
                               job_id=job.id)  # fmt: skip


@bp.get("/agency")
@role_required(Role.COUNSELLOR)
def agency() -> str:
    """My agency's beneficiaries and what they acquired (see services/programme/beneficiary_listing.py)."""
    agency = signed_in().agency
    rows = beneficiary_listing.agency_people(get_session(), agency=agency)
    # Outcomes only when the person agreed to share them (services/programme/outcome_listing.py).
    shared = outcome_listing.shared_with_agency(get_session(), agency=agency)
    return render_template(
        "staff/agency.html",
        people=rows,
        agency=agency.name if agency else "",
        outcomes=shared,
        kind_labels=kind_labels(),
    )
