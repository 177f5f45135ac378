"""The directory of local resource actors (CCAS, associations, training bodies, Pix centres, the agency).

An entry belongs to the tiers-lieu whose team wrote it (none: the coordination's); every staff member of
the network reads every entry, only its owner's team and the coordination change it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from badges.models import ResourceActor, Role, User
from badges.services.shared import profiles
from badges.services.shared.errors import NotAllowed, NotFound
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import BAD_DEPARTMENT, DEPARTMENT_RE, Fields

KINDS = ("ccas", "association", "formation", "pix", "france_travail", "autre")
ACTOR_NOT_FOUND = message("actor.not_found", N_("Acteur introuvable dans l'annuaire."))
NOT_YOURS = message(
    "actor.not_yours", N_("Seule l'équipe qui a ajouté cet acteur, ou la coordination, peut le modifier.")
)
FIELDS = ("kind", "name", "department", "address", "contact", "url")


def _values(data: dict[str, Any]) -> dict[str, Any]:
    fields = Fields(data)
    values = {
        "kind": fields.choice("kind", KINDS),
        "name": fields.text("name", max_len=200),
        "department": fields.pattern("department", DEPARTMENT_RE, BAD_DEPARTMENT),
        "address": fields.text("address", max_len=300, required=False),
        "contact": fields.text("contact", max_len=200, required=False),
        "url": fields.url("url", required=False),
    }
    # Counsellors read these entries next to a person's outcome: no internal profile label there.
    for name in ("name", "address", "contact"):
        if name not in fields.errors and profiles.find_label(values[name] or ""):
            fields.errors[name] = profiles.MESSAGE
    fields.check()
    return values


def may_edit(user: User, actor: ResourceActor) -> bool:
    if user.role == Role.COORDINATOR.value:
        return True
    return user.role == Role.STAFF.value and user.issuer_id is not None and actor.issuer_id == user.issuer_id


def create_actor(session: Session, *, by: User, data: dict[str, Any], now: datetime) -> ResourceActor:
    """A new entry, owned by the author's tiers-lieu (the coordination's have none)."""
    actor = ResourceActor(issuer_id=by.issuer_id, created_at=now, updated_at=now, **_values(data))
    session.add(actor)
    return actor


def update_actor(
    session: Session, *, by: User, actor: ResourceActor, data: dict[str, Any], now: datetime
) -> None:
    if not may_edit(by, actor):
        raise NotAllowed(NOT_YOURS)
    for name, value in _values(data).items():
        setattr(actor, name, value)
    actor.updated_at = now


def actor_by_id(session: Session, public_id: str) -> ResourceActor:
    """Any entry of the network's directory (it is shared: reading is never scoped)."""
    found = session.scalars(select(ResourceActor).where(ResourceActor.public_id == public_id)).first()
    if found is None:
        raise NotFound(ACTOR_NOT_FOUND)
    return found


def directory(
    session: Session, *, department: str | None = None, kind: str | None = None
) -> list[ResourceActor]:
    """The entries, those of `department` first, then by department, kind and name."""
    query = select(ResourceActor)
    if kind is not None:
        query = query.where(ResourceActor.kind == kind)
    first = case((ResourceActor.department == department, 0), else_=1) if department else None
    order = [first] if first is not None else []
    query = query.order_by(*order, ResourceActor.department, ResourceActor.kind, ResourceActor.name)
    return list(session.scalars(query))
