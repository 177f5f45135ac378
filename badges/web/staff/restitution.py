"""The coordinator's restitution: per closed pathway and for the network (services/reporting/restitution)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l

from badges.db import get_session
from badges.models import Role
from badges.services.programme import pathways
from badges.services.reporting import restitution
from badges.web.staff import bp
from badges.web.staff.access import role_required
from badges.web.staff.actors import kind_labels

QUESTIONS = {
    "satisfaction": _l("Satisfaction d’ensemble"),
    "collaboration": _l("Travail en binôme agence et tiers-lieu"),
    "usefulness": _l("Utilité pour les participants"),
}
RESPONDENTS = {"agence": _l("Agence partenaire"), "tiers_lieu": _l("Tiers-lieu")}
SCALE = {1: _l("Pas du tout"), 2: _l("Plutôt non"), 3: _l("Plutôt oui"), 4: _l("Tout à fait")}


def _labels() -> dict[str, Any]:
    return {"questions": QUESTIONS, "respondents": RESPONDENTS, "scale": SCALE, "kind_labels": kind_labels()}


@bp.get("/restitution")
@role_required(Role.COORDINATOR)
def restitution_network() -> str:
    found = restitution.network_restitution(get_session())
    return render_template("staff/outcome/restitution_network.html", network=found, **_labels())


@bp.get("/restitution/<pathway_id>")
@role_required(Role.COORDINATOR)
def restitution_pathway(pathway_id: str) -> str:
    found = pathways.pathway_in_scope(get_session(), pathway_id, None)
    detail = restitution.pathway_restitution(get_session(), found)
    return render_template("staff/outcome/restitution_pathway.html", row=detail, **_labels())
