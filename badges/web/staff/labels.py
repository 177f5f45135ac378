"""French labels of the programme's codes (pathway types, moments, methods, levels, internal profiles).

Internal profile labels are staff-only (docs/domain.md#D-profiles): only staff screens and aggregated figures
use PROFILE_LABELS; the counsellor screen and every public page never receive them.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from badges.services.programme import badge_classes, pathways
from badges.services.shared import validation
from badges.web.staff import bp

PATHWAY_TYPES = {
    "court": _l("Parcours court"),
    "long": _l("Parcours long"),
    "long_augmente": _l("Parcours long augmenté"),
}
CATEGORIES = {
    "apprentissage_par_le_faire": _l("Apprentissage par le faire"),
    "professionnalisation": _l("Parcours de professionnalisation"),
    "hybride_creatif": _l("Parcours hybride et créatif"),
}
MOMENTS = {"avant": _l("Avant (diagnostic)"), "pendant": _l("Pendant (séance)"), "apres": _l("Après (bilan)")}
METHODS = {
    "observation": _l("Observation"),
    "mise_en_situation": _l("Mise en situation"),
    "quiz": _l("Quiz"),
    "entretien": _l("Entretien"),
    "jeu": _l("Jeu"),
    "auto_evaluation": _l("Auto-évaluation"),
}
LEVELS = {
    "N1": _l("N1 · Je découvre"),
    "N2": _l("N2 · Je fais seul, pas à pas"),
    "N3": _l("N3 · Je me débrouille"),
    "N4": _l("N4 · J’aide les autres"),
}
PROFILE_LABELS = {
    "exclu": _l("Exclu du numérique"),
    "intermediaire": _l("Intermédiaire"),
    "initie": _l("Initié"),
    "femmes_non_francophones": _l("Femmes non francophones"),
    "metiers_manuels": _l("Métiers manuels"),
}
# The services' messages for a wrong choice list the codes; a form shows what to do instead.
CHOICE_MESSAGES = {
    "type": _l("Choisissez le type de parcours."),
    "category": _l("Choisissez la catégorie du parcours."),
    "moment": _l("Choisissez le moment de l’évaluation."),
    "method": _l("Choisissez la méthode d’évaluation."),
    "profile": _l("Choisissez un profil dans la liste."),
    "competencies": _l("Cochez au moins une compétence travaillée (30 au plus)."),
}
# The services' messages that CHOICE_MESSAGES replace (a choice list, a count of competences).
REWORDED = (validation.NOT_A_CHOICE, badge_classes.COMPETENCIES, pathways.WORKED_COMPETENCIES)


def reworded() -> tuple[str, ...]:
    """How the REWORDED messages start in the reader's language."""
    return tuple(gettext(said.template).split("%(")[0] for said in REWORDED)


def friendly(errors: dict[str, str]) -> dict[str, str]:
    """The services' field errors, in the reader's language, with the choice-list ones reworded."""
    starts = reworded()
    return {
        name: str(CHOICE_MESSAGES[name]) if name in CHOICE_MESSAGES and msg.startswith(starts) else msg
        for name, msg in errors.items()
    }


def options(labels: dict[str, Any]) -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in labels.items()]


@bp.context_processor
def programme_labels() -> dict[str, Any]:
    return {
        "type_labels": PATHWAY_TYPES,
        "category_labels": CATEGORIES,
        "level_labels": LEVELS,
        "profile_labels": PROFILE_LABELS,
    }
