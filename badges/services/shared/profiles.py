"""Internal beneficiary profiles: ids, colour families, and the guard keeping them out of public text.

The labels are stigmatising (docs/domain.md#D-profiles): they live in staff views and aggregated reports only,
never in a badge, a URL, a framework page or an alignment.
"""

from __future__ import annotations

import re
import unicodedata

from badges.services.shared.messages import N_, message

BASE_PROFILES = ("exclu", "intermediaire", "initie")
PROFILES = (*BASE_PROFILES, "femmes_non_francophones", "metiers_manuels")

# Each profile belongs to a colour family of the drawn image; the image shows the title and level only.
PALETTE_BY_PROFILE = {
    "exclu": "vert",
    "intermediaire": "bleu",
    "initie": "violet",
    "femmes_non_francophones": "orange",
    "metiers_manuels": "orange",
}

# Ids and labels, compared without accents or case, on word boundaries ("exclusif" is fine, "exclu" is not).
_LABELS = (
    r"exclus?",
    r"exclue?s?\s+du\s+numerique",
    r"intermediaires?",
    r"inities?",
    r"initiees?",
    r"femmes?[\s_-]+non[\s_-]+francophones?",
    r"non[\s_-]+francophones?",
    r"metiers?[\s_]+manuels?",
    r"inter\.[a-z_]+\.[a-z_]+",
)
_LABEL_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(_LABELS) + r")(?![a-z0-9])")
MESSAGE = message(
    "text.profile_label",
    N_(
        "N'utilisez pas les libellés internes de profil (exclu, intermédiaire, initié…) dans un texte public."
    ),
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def find_label(text: str) -> str | None:
    """The first internal profile label or id found in `text`, if any."""
    found = _LABEL_RE.search(_fold(text))
    return found.group(0) if found else None


def palette_for(profile: str | None, default: str = "bleu") -> str:
    return PALETTE_BY_PROFILE.get(profile or "", default)
