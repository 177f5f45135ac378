"""The home page of each role: what they came to do, first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import render_template

from badges.db import get_session
from badges.models import Issuer, Role
from badges.services.accounts import network
from badges.services.holders import award_listing
from badges.services.programme import programme_listing, reviews
from badges.web.context import now, today
from badges.web.staff import bp
from badges.web.staff.access import login_required, own_issuer
from badges.web.staff.identity import signed_in

LATEST = 5


def _staff() -> dict[str, Any]:
    issuer = own_issuer()
    latest = award_listing.list_awards(
        get_session(), issuer=issuer, filters=award_listing.Filters(), now=now(), per_page=LATEST
    )
    flags = reviews.open_count(get_session(), issuer_id=issuer.id)
    return {
        "issuer": issuer.name,
        "latest": latest.page.items,
        "total": latest.page.total,
        "flags": flags,
        "days": _days(issuer),
    }


def _days(issuer: Issuer) -> list[dict[str, Any]]:
    """Today's and tomorrow's ateliers (the day in Paris): what a médiateur opens the app for."""
    first = today()
    return [
        {
            "key": key,
            "day": day,
            "ateliers": programme_listing.day_ateliers(get_session(), issuer=issuer, day=day),
        }
        for key, day in (("today", first), ("tomorrow", first + timedelta(days=1)))
    ]


def _coordinator() -> dict[str, Any]:
    places = network.overview(get_session())
    return {"places": len(places), "awards": sum(p["awards"] for p in places)}


def _counsellor() -> dict[str, Any]:
    agency = signed_in().agency
    return {"agency": agency.name if agency else ""}


# One function per role gives the values of its home template (staff/home/<role>.html).
HOMES: dict[str, Callable[[], dict[str, Any]]] = {
    Role.STAFF.value: _staff,
    Role.COORDINATOR.value: _coordinator,
    Role.COUNSELLOR.value: _counsellor,
}


@bp.get("/")
@login_required
def home() -> str:
    role = signed_in().role
    return render_template(f"staff/home/{role}.html", home=HOMES[role]())
