"""A pathway's budget (issue 14): whole euros, by default the programme's amount for its type.

The programme funds a pathway by its type: 5 000 € (court), 10 000 € (long), 15 000 € (long augmenté).
A tiers-lieu may edit it (a co-funded pathway, a smaller group); the key figures divide it by the people
and the hours of accompaniment (reporting/figures_costs.py).
"""

from __future__ import annotations

from typing import Any

from badges.services.shared.messages import N_, message
from badges.services.shared.validation import Fields

DEFAULT_BUDGETS = {"court": 5000, "long": 10000, "long_augmente": 15000}
MAX_BUDGET = 1_000_000
BAD_BUDGET = message(
    "pathway.budget",
    N_("Indiquez le budget en euros, un nombre entier de 0 à 1 000 000 (ex. 10 000)."),
)
# What people type in a French form: "10 000", "10 000 €", "10000€".
SPACES = (" ", "\u00a0", "\u202f", "€")


def default_budget(pathway_type: str | None) -> int:
    return DEFAULT_BUDGETS.get(pathway_type or "", 0)


def read_budget(fields: Fields, data: dict[str, Any]) -> int | None:
    """The budget given in `data["budget"]` (None when absent or empty); a wrong one is a field error."""
    value = data.get("budget")
    if isinstance(value, str):
        for space in SPACES:
            value = value.replace(space, "")
    if value is None or value == "":
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, str))
        or not (str(value).isascii() and str(value).isdigit())
    ):
        fields.errors["budget"] = BAD_BUDGET
        return None
    euros = int(value)
    if euros > MAX_BUDGET:
        fields.errors["budget"] = BAD_BUDGET
        return None
    return euros
