"""The badge-class form: fields read from the request, turned into the service's data, errors mapped back.

Staff never type JSON: the issuance rule is a few fields (automatic or by hand, level, how many competences,
attendance), and the image is either drawn (a colour) or an uploaded PNG/JPEG. An upload is normalised at
once (images.normalise_upload) and carried in a hidden base64 field, so a page shown again (preview, or an
error elsewhere) keeps it: a browser cannot refill a file input.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from badges.models import BadgeClass
from badges.services.credentials import images
from badges.services.programme import rules
from badges.services.shared import profiles
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import LEVELS
from badges.web.i18n import say_fields
from badges.web.staff.forms import values
from badges.web.staff.labels import friendly, reworded

KEPT_IMAGE_UNREADABLE = message(
    "badge_class.kept_image_unreadable", N_("L’image gardée est illisible : choisissez-la à nouveau.")
)


TEXTS = (
    "name", "description", "criteria_narrative", "level", "profile", "validity_days", "tags", "palette",
    "image_source", "image_data", "rule_mode", "rule_competences", "rule_level", "rule_at_least",
    "rule_ateliers", "rule_hours", "path_pathway", "path_at_least", "path_ateliers", "path_hours",
)  # fmt: skip
LISTS = ("competencies", "rule_competencies", "path_components")
NEW_FORM: dict[str, Any] = {
    **dict.fromkeys(TEXTS, ""),
    **{name: [] for name in LISTS},
    "image_source": "drawn",
    "rule_mode": "main",
    "rule_competences": "yes",
}
PALETTE_LABELS = {
    "bleu": _l("Bleu"),
    "vert": _l("Vert"),
    "orange": _l("Orange"),
    "violet": _l("Violet"),
    "gris": _l("Gris"),
}
# Where a rule parameter is typed in the form, per rule type; a rule-wide message goes to the first field.
RULE_FIELDS = {
    rules.CompetencesAcquired.name: {
        "level": "rule_level",
        "at_least": "rule_at_least",
        "": "rule_competences",
    },
    rules.MinAttendance.name: {"ateliers": "rule_ateliers", "hours": "rule_hours", "": "rule_ateliers"},
}
# Where the pathway badge's rule is typed (pathway_badges.parse names its fields "pathway_badge.<key>").
PATHWAY_FIELDS = {
    "pathway_badge": "rule_mode",
    "pathway_badge.pathway": "path_pathway",
    "pathway_badge.components": "path_components",
    "pathway_badge.at_least": "path_at_least",
    "pathway_badge.min_ateliers": "path_ateliers",
    "pathway_badge.min_hours": "path_hours",
}
RULE_KEY = re.compile(r"^rule\[(\d+)\](?:\.(\w+))?$")
# The services list the codes of a wrong choice; the form says what to do instead.
CHOICES = {
    "level": _l("Choisissez le niveau du badge."),
    "palette": _l("Choisissez une couleur dans la liste."),
    "rule_level": _l("Choisissez le niveau à atteindre dans la liste."),
    "competencies": _l("Cochez de 1 à 30 compétences reconnues par ce badge."),
}


@dataclass
class Submission:
    """What was typed (to show again), the service's data, and the errors found before asking it."""

    form: dict[str, Any]
    data: dict[str, Any]
    errors: dict[str, str]
    # The normalised upload (new, or kept from an earlier page), when the image is an upload.
    image: bytes | None


def _decoded(kept: str) -> bytes:
    try:
        return base64.b64decode(kept, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput({"image": KEPT_IMAGE_UNREADABLE}) from exc


def _upload(form: dict[str, Any], badge: BadgeClass | None, errors: dict[str, str]) -> bytes | None:
    """The uploaded image, made a safe 600x600 PNG; None when drawn (or the current upload is kept)."""
    if form["image_source"] != "upload":
        form["image_data"] = ""
        return None
    sent = request.files.get("image_file")
    try:
        if sent is not None and sent.filename:
            # One byte over the limit is enough for normalise_upload to refuse it.
            image = images.normalise_upload(sent.stream.read(images.MAX_UPLOAD_BYTES + 1))
        elif form["image_data"]:
            image = images.normalise_upload(_decoded(form["image_data"]))
        else:
            if badge is None or not badge.image_uploaded:
                errors["image"] = _("Choisissez un fichier PNG ou JPEG, ou bien « Dessiner l’image ».")
            return None
    except InvalidInput as exc:
        form["image_data"] = ""
        errors.update(say_fields(exc))
        return None
    form["image_data"] = base64.b64encode(image).decode("ascii")
    return image


def _whole(raw: str) -> int | str:
    """A number as the rules want it; anything else is passed on for the service to name the field."""
    return int(raw) if raw.isdigit() else raw


def _pathway(form: dict[str, Any]) -> dict[str, Any] | None:
    """A pathway badge's rule from the form's fields (None: the class is not, or no longer, one)."""
    if form["rule_mode"] != "pathway":
        return None
    rule: dict[str, Any] = {"pathway": form["path_pathway"], "components": form["path_components"]}
    for key, name in (("at_least", "at_least"), ("min_ateliers", "ateliers"), ("min_hours", "hours")):
        if form[f"path_{name}"]:
            rule[key] = _whole(form[f"path_{name}"])
    return rule


def _rule(form: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The rule list from the form's fields (empty: awarded by hand only)."""
    if form["rule_mode"] != "auto":
        return []
    rule: list[dict[str, Any]] = []
    if form["rule_competences"]:
        acquired: dict[str, Any] = {"type": rules.CompetencesAcquired.name}
        if form["rule_level"]:
            acquired["level"] = form["rule_level"]
        if form["rule_at_least"]:
            acquired["at_least"] = _whole(form["rule_at_least"])
        # A subset of competences set through the API is kept while they stay on the badge.
        kept = [ref for ref in form["rule_competencies"] if ref in form["competencies"]]
        if kept:
            acquired["competencies"] = kept
        rule.append(acquired)
    if form["rule_ateliers"] or form["rule_hours"]:
        attendance: dict[str, Any] = {"type": rules.MinAttendance.name}
        for name in ("ateliers", "hours"):
            if form[f"rule_{name}"]:
                attendance[name] = _whole(form[f"rule_{name}"])
        rule.append(attendance)
    if not rule:
        errors["rule_mode"] = _(
            "Pour une délivrance automatique, cochez les compétences ou indiquez une participation."
        )
    return rule


def read_form() -> dict[str, Any]:
    form: dict[str, Any] = values(*TEXTS)
    for name in LISTS:
        form[name] = request.form.getlist(name)
    if form["image_source"] not in ("drawn", "upload"):
        form["image_source"] = "drawn"
    return form


def submitted(badge: BadgeClass | None) -> Submission:
    """The request's form, and the `data` dict create/update_badge_class read."""
    form = read_form()
    errors: dict[str, str] = {}
    image = _upload(form, badge, errors)
    data: dict[str, Any] = {
        **{name: form[name] for name in ("name", "description", "criteria_narrative")},
        # The services read "no choice" as None, never as an empty string.
        **{name: form[name] or None for name in ("level", "profile", "validity_days", "palette")},
        "tags": [tag.strip() for tag in form["tags"].split(",") if tag.strip()],
        "competencies": form["competencies"],
        "rule": _rule(form, errors),
        "pathway_badge": _pathway(form),
    }
    if image is not None:
        data["image"] = form["image_data"]
    elif form["image_source"] == "drawn" and badge is not None and badge.image_uploaded:
        data["image"] = None  # back to a drawn image
    return Submission(form, data, errors, image)


def _field(key: str, rule: list[dict[str, Any]]) -> str:
    """The form field a service error key names ("rule[1].hours" -> "rule_hours")."""
    found = RULE_KEY.match(key)
    if found is None:
        return "rule_mode" if key == "rule" else key
    position = int(found.group(1))
    kind = rule[position].get("type") if position < len(rule) else None
    fields = RULE_FIELDS.get(str(kind), {})
    return fields.get(found.group(2) or "", fields.get("", "rule_mode"))


def form_errors(errors: dict[str, str], rule: list[dict[str, Any]]) -> dict[str, str]:
    """The service's errors on the form's fields, the choice-list ones said in plain words."""
    mapped: dict[str, str] = {}
    starts = reworded()
    for key, words in errors.items():
        name = PATHWAY_FIELDS.get(key) or _field(key, rule)
        if name in CHOICES and words.startswith(starts):
            words = str(CHOICES[name])
        mapped.setdefault(name, words)
    return friendly(mapped)


def preview(submission: Submission, badge: BadgeClass | None) -> bytes:
    """The image the form would save: the upload, the current upload kept, or a drawing of what is typed."""
    form = submission.form
    if submission.image is not None:
        return submission.image
    if form["image_source"] == "upload" and badge is not None and badge.image_uploaded:
        return badge.image_png
    level = form["level"] if form["level"] in LEVELS else ""
    # The colour the service draws with: the one chosen, else the profile's family.
    palette = form["palette"] if form["palette"] in images.PALETTES else ""
    palette = palette or profiles.palette_for(form["profile"] or None)
    return images.draw_badge(form["name"] or _("Nom du badge"), level, palette)


def data_url(png: bytes | None) -> str | None:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None
