"""Badge classes (modèles de badges) of the tiers-lieu: list, detail, create, edit with image preview, delete.

Every lookup is scoped to the signed-in member's tiers-lieu (another's class is 404). An edit goes through
badge_classes.update_badge_class, which publishes a new revision once the current one has been awarded:
credentials already issued keep resolving to the revision they were signed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from badges.db import get_session
from badges.models import BadgeClass, Role
from badges.services.credentials import images, revisions
from badges.services.programme import badge_class_listing, badge_classes, pathway_badges, shared_classes
from badges.services.shared.errors import Conflict, InvalidInput
from badges.web.context import links, now
from badges.web.i18n import say_error, say_fields
from badges.web.staff import bp
from badges.web.staff.access import own_issuer, role_required
from badges.web.staff.badge_class_form import (
    NEW_FORM,
    PALETTE_LABELS,
    Submission,
    data_url,
    form_errors,
    preview,
    submitted,
)
from badges.web.staff.forms import commit_and_redirect, confirmed, invalid

FORM = "staff/badge_classes/form.html"
DELETE = "staff/badge_classes/delete.html"


def _badge(badge_class_id: str) -> BadgeClass:
    """A badge class of the signed-in member's tiers-lieu; another's is 404."""
    return badge_classes.for_issuer(get_session(), issuer=own_issuer(), public_id=badge_class_id)


def _current(badge: BadgeClass | None) -> dict[str, Any] | None:
    """The class being edited, as the form shows it (its image is the latest revision's)."""
    if badge is None:
        return None
    latest = revisions.latest_of(badge)
    return {
        "id": badge.public_id,
        "name": badge.name,
        "revision": latest.number,
        "image": links().badge_image(latest.public_id),
        "image_uploaded": badge.image_uploaded,
        "composed": badge.criteria_narrative if badge.criteria_composed else "",
        "awarded": badge_class_listing.awarded(get_session(), badge),
    }


def _form(
    form: Mapping[str, object], badge: BadgeClass | None, errors: dict[str, str], shown: bytes | None = None
) -> str | tuple[str, int]:
    context = {
        "form": form,
        "badge": _current(badge),
        "groups": badge_class_listing.competence_groups(get_session()),
        "palettes": [(key, str(PALETTE_LABELS.get(key, key))) for key in images.PALETTES],
        "max_mb": images.MAX_UPLOAD_BYTES // (1024 * 1024),
        "preview": data_url(shown),
        "pathway_choices": pathway_badges.choices(get_session(), own_issuer(), badge),
    }
    if errors:
        return invalid(FORM, errors, **context)
    return render_template(FORM, errors={}, **context)


def _refused(submission: Submission, badge: BadgeClass | None) -> str | tuple[str, int]:
    """Errors found before the service (image, rule choice) are shown with the service's own ones."""
    try:
        badge_classes.validate(get_session(), submission.data, current=badge, issuer=own_issuer())
        found: dict[str, str] = {}
    except InvalidInput as exc:
        found = say_fields(exc)
    errors = {**form_errors(found, submission.data["rule"]), **submission.errors}
    return _form(submission.form, badge, errors)


def _saved(badge: BadgeClass | None) -> Response | str | tuple[str, int]:
    """Preview, or save: a new class, or an edit of `badge`; nothing is written on any error."""
    submission, session = submitted(badge), get_session()
    if request.form.get("action") == "preview":
        image_errors = {k: v for k, v in submission.errors.items() if k == "image"}
        shown = None if image_errors else preview(submission, badge)
        return _form(submission.form, badge, image_errors, shown)
    if submission.errors:
        return _refused(submission, badge)
    try:
        if badge is None:
            badge = badge_classes.create_badge_class(
                session, issuer=own_issuer(), data=submission.data, now=now()
            )
            message = _("Le modèle de badge est créé.")
        else:
            message = _edit(badge, submission)
    except InvalidInput as exc:
        session.rollback()  # before the page reads the class again
        return _form(submission.form, badge, form_errors(say_fields(exc), submission.data["rule"]))
    return commit_and_redirect(message, "staff.badge_class", badge_class_id=badge.public_id)


def _edit(badge: BadgeClass, submission: Submission) -> str:
    before = revisions.latest_of(badge).number
    badge_classes.update_badge_class(get_session(), badge=badge, data=submission.data, now=now())
    after = revisions.latest_of(badge).number
    if after == before:
        return _("Le modèle de badge est enregistré.")
    return _(
        "Le modèle de badge est enregistré : version %(after)s publiée. "
        "Les badges déjà délivrés gardent la version %(before)s.",
        after=after,
        before=before,
    )


@bp.get("/badge-classes")
@role_required(Role.STAFF)
def badge_classes_list() -> str:
    rows = badge_class_listing.class_rows(get_session(), issuer=own_issuer(), links=links())
    network = shared_classes.catalogue(get_session(), own_issuer())
    return render_template("staff/badge_classes/list.html", badges=rows, network=network)


@bp.route("/badge-classes/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def badge_class_new() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return _form(dict(NEW_FORM), None, {})
    return _saved(None)


@bp.get("/badge-classes/<badge_class_id>")
@role_required(Role.STAFF)
def badge_class(badge_class_id: str) -> str:
    found = _badge(badge_class_id)
    detail = badge_class_listing.class_detail(get_session(), found, links())
    return render_template(
        "staff/badge_classes/detail.html", badge=detail, errors={}, shared=found.shared_at is not None
    )


@bp.route("/badge-classes/<badge_class_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def badge_class_edit(badge_class_id: str) -> Response | str | tuple[str, int]:
    found = _badge(badge_class_id)
    if request.method == "GET":
        shown = {
            **NEW_FORM,
            **badge_class_listing.class_form(get_session(), found),
            **pathway_badges.form_values(get_session(), found),
        }
        return _form(shown, found, {})
    return _saved(found)


@bp.route("/badge-classes/<badge_class_id>/delete", methods=["GET", "POST"])
@role_required(Role.STAFF)
def badge_class_delete(badge_class_id: str) -> Response | str | tuple[str, int]:
    """The page is the confirmation step (confirm=yes); a class already awarded is never deleted (409)."""
    found, session = _badge(badge_class_id), get_session()
    page = {"badge": {"id": found.public_id, "name": found.name}}
    awarded = badge_class_listing.awarded(session, found)
    if awarded and request.method == "POST":
        return _undeletable(page, awarded)
    if request.method == "GET":
        return render_template(DELETE, errors={}, awarded=awarded, **page)
    if not confirmed():
        return invalid(DELETE, {"confirm": _("Confirmez la suppression du modèle.")}, awarded=0, **page)
    try:
        badge_classes.delete_badge_class(session, badge=found)
    except Conflict as exc:  # awarded meanwhile, or a pathway badge's component
        if exc.said == badge_classes.A_COMPONENT:
            get_session().rollback()
            return render_template(DELETE, errors={"confirm": say_error(exc)}, awarded=0, **page), 409
        return _undeletable(page, 1)
    return commit_and_redirect(
        _("Le modèle de badge « %(name)s » est supprimé.", name=found.name), "staff.badge_classes_list"
    )


def _undeletable(page: dict[str, Any], awarded: int) -> tuple[str, int]:
    """Issued credentials must keep resolving to their class: the refusal is a conflict, not a typo."""
    get_session().rollback()
    message = _("Ce modèle a déjà été délivré : il ne peut plus être supprimé.")
    return render_template(DELETE, errors={"confirm": message}, awarded=awarded, **page), 409
