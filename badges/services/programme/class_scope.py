"""The badge classes a tiers-lieu may name in a pathway or award by hand: its own, and those other tiers-lieux
share with the network now (shared_classes.py). One SQL condition and one chooser label for every screen
that offers them. Imports no other programme module, so pathways.py may use it too."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from badges.models import BadgeClass


def own_or_shared(issuer_id: int) -> ColumnElement[bool]:
    """The condition on BadgeClass: of this tiers-lieu, or shared by any tiers-lieu now."""
    return or_(BadgeClass.issuer_id == issuer_id, BadgeClass.shared_at.is_not(None))


def label(badge: BadgeClass, issuer_id: int) -> str:
    """The class's name in a chooser; another tiers-lieu's class is named with its creator."""
    return badge.name if badge.issuer_id == issuer_id else f"{badge.name} ({badge.issuer.name})"
