"""The ressenti form as both audiences read it: the médiateur's tablet round and the person's phone."""

from __future__ import annotations

from typing import Any

from flask import request

from badges.models import Atelier
from badges.services.programme import ressenti


def submitted() -> dict[str, Any]:
    """The form's answer: one feeling, the ticked sentences, the words (kept as typed on an error)."""
    data: dict[str, Any] = {"items": request.form.getlist("items"), "words": request.form.get("words", "")}
    if "feeling" in request.form:
        data["feeling"] = request.form["feeling"]
    return data


def sentences(atelier: Atelier) -> list[dict[str, Any]]:
    """The FALC sentences of the form, per competence of the atelier."""
    return [
        {
            "title": c.title,
            "falc": c.falc_description,
            "items": [(kind, ressenti.item_value(kind, c.ref)) for kind in ressenti.KINDS],
        }
        for c in atelier.competencies
    ]
