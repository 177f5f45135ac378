"""The staff navigation, per role, and the plain values every staff template receives.

A new screen adds one NavItem to NAV (in the order it should appear); items whose endpoint does not exist
(yet) are left out, so the menu never shows a dead link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from badges.models import Role, User
from badges.web.staff import bp
from badges.web.staff.identity import current_user

COORDINATOR, STAFF, COUNSELLOR = Role.COORDINATOR.value, Role.STAFF.value, Role.COUNSELLOR.value
ONLY_COORDINATION = frozenset({COORDINATOR})


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString | str
    roles: frozenset[str]
    # Endpoints (by prefix) of the screens this item leads to: the item is marked as the current page.
    section: tuple[str, ...] = ()


NAV: list[NavItem] = [
    NavItem("staff.home", _l("Accueil"), frozenset({COORDINATOR, STAFF, COUNSELLOR})),
    NavItem("staff.network_list", _l("Tiers-lieux"), frozenset({COORDINATOR}), ("staff.network",)),
    NavItem("staff.partner_agencies", _l("Agences partenaires"), ONLY_COORDINATION, ("staff.partner",)),
    NavItem(
        "staff.pathways_list",
        _l("Parcours et ateliers"),
        frozenset({STAFF}),
        ("staff.pathway", "staff.atelier"),
    ),
    NavItem("staff.badge_classes_list", _l("Modèles de badges"), frozenset({STAFF}), ("staff.badge_class",)),
    NavItem(
        "staff.frameworks_list", _l("Référentiels"), frozenset({COORDINATOR, STAFF}), ("staff.framework",)
    ),
    NavItem("staff.beneficiaries_list", _l("Bénéficiaires"), frozenset({STAFF}), ("staff.beneficiar",)),
    NavItem("staff.awards", _l("Badges délivrés"), frozenset({STAFF}), ("staff.award", "staff.revoke")),
    NavItem(
        "staff.actors_list", _l("Annuaire des acteurs"), frozenset({COORDINATOR, STAFF}), ("staff.actor",)
    ),
    NavItem("staff.restitution_network", _l("Restitution"), ONLY_COORDINATION, ("staff.restitution",)),
    NavItem("staff.figures", _l("Chiffres clés"), frozenset({COORDINATOR, STAFF}), ("staff.figures",)),
    NavItem("staff.agency", _l("Mon agence"), frozenset({COUNSELLOR})),
    NavItem(
        "staff.endorsements_page",
        _l("Recommandations"),
        frozenset({COORDINATOR, COUNSELLOR}),
        ("staff.endorsement",),
    ),
    NavItem("staff.issuer", _l("Mon tiers-lieu"), frozenset({STAFF}), ("staff.issuer",)),
    NavItem("staff.keys", _l("Clés de signature"), frozenset({STAFF}), ("staff.key",)),
    NavItem("public.verifier", _l("Vérifier un badge"), frozenset({COORDINATOR, STAFF, COUNSELLOR})),
]

ROLE_LABELS = {
    COORDINATOR: _l("Coordination du réseau"),
    STAFF: _l("Équipe du tiers-lieu"),
    COUNSELLOR: _l("Conseil en agence partenaire"),
}


def _current(item: NavItem, endpoint: str) -> bool:
    return endpoint == item.endpoint or any(endpoint.startswith(prefix) for prefix in item.section)


def menu(user: User | None) -> list[dict[str, Any]]:
    if user is None:
        return []
    endpoint = request.endpoint or ""
    return [
        {"url": url_for(item.endpoint), "label": str(item.label), "current": _current(item, endpoint)}
        for item in NAV
        if user.role in item.roles and item.endpoint in current_app.view_functions
    ]


def me(user: User | None) -> dict[str, str] | None:
    """Who is signed in, as the header shows it."""
    if user is None:
        return None
    place = user.issuer.name if user.issuer else user.agency.name if user.agency else ""
    return {"name": user.name, "role": user.role, "role_label": str(ROLE_LABELS[user.role]), "place": place}


@bp.context_processor
def layout_values() -> dict[str, Any]:
    user = current_user()
    return {"nav": menu(user), "me": me(user)}
