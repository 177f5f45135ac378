"""The end-of-pathway outcome of one participant, filled by the médiateur and the participant together:
the next project in the participant's words, the acquired skills they will use, where they are oriented.

Personal data (docs/domain.md#D-gdpr-erasure): it goes with the person on erasure (database cascade), is
in their export (`outcome_listing.personal_data`) and is deleted after the retention period (`purge`).
The counsellor sees it only when the person agreed (`shared_at`, dated like the badges' consent).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Competency, Pathway, PathwayOutcome, ResourceActor
from badges.services.programme import awarding, pathways, rules
from badges.services.shared import profiles
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import Fields

NOT_ACQUIRED = message(
    "outcome.not_acquired", N_("Choisissez des compétences que la personne a acquises dans la liste.")
)
UNKNOWN_ACTORS = message("outcome.unknown_actors", N_("Choisissez des acteurs de l'annuaire dans la liste."))
TOO_MANY = message("outcome.too_many", N_("%(max)s choix au plus."))
MAX_CHOICES = 20
DEFAULT_RETENTION_DAYS = 730  # two years after the last contact (CNIL social-sector referential)


def acquired(session: Session, person: Beneficiary) -> list[Competency]:
    """The competences whose latest staff result reaches the competence's level (the counsellor's view)."""
    latest = awarding.latest_staff_results(session, [person.id])
    if not latest:
        return []
    found = session.scalars(
        select(Competency).where(Competency.id.in_({c for _, c in latest})).order_by(Competency.id)
    )
    return [c for c in found if rules.rank(latest[(person.id, c.id)]) >= rules.rank(c.level or "N1")]


def outcome_of(session: Session, pathway: Pathway, person: Beneficiary) -> PathwayOutcome | None:
    return session.scalars(
        select(PathwayOutcome).where(
            PathwayOutcome.pathway_id == pathway.id, PathwayOutcome.beneficiary_id == person.id
        )
    ).first()


def _chosen(data: dict[str, Any], name: str, errors: dict[str, Message]) -> list[str]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        errors[name] = NOT_ACQUIRED if name == "skills" else UNKNOWN_ACTORS
        return []
    if len(raw) > MAX_CHOICES:
        errors[name] = TOO_MANY(max=MAX_CHOICES)
    return list(dict.fromkeys(raw))


def _values(session: Session, person: Beneficiary, data: dict[str, Any]) -> dict[str, Any]:
    fields = Fields(data)
    project = fields.text("next_project", max_len=1000)
    shared = fields.boolean("shared")
    # Words written with the person: never an internal profile label.
    if project and "next_project" not in fields.errors and profiles.find_label(project):
        fields.errors["next_project"] = profiles.MESSAGE
    refs = _chosen(data, "skills", fields.errors)
    own = {c.ref: c for c in acquired(session, person)}
    if "skills" not in fields.errors and any(ref not in own for ref in refs):
        fields.errors["skills"] = NOT_ACQUIRED
    ids = _chosen(data, "orientations", fields.errors)
    actors = (
        list(session.scalars(select(ResourceActor).where(ResourceActor.public_id.in_(ids)))) if ids else []
    )
    if "orientations" not in fields.errors and len(actors) != len(ids):
        fields.errors["orientations"] = UNKNOWN_ACTORS
    fields.check()
    return {
        "next_project": project,
        "shared": shared,
        "skills": [own[ref] for ref in refs],
        "orientations": actors,
    }


def save_outcome(
    session: Session, *, pathway: Pathway, person: Beneficiary, data: dict[str, Any], now: datetime
) -> PathwayOutcome:
    """Write (or rewrite) the outcome of an enrolled participant; checked as a whole, nothing half-saved."""
    if not pathways.is_enrolled(session, pathway, person):
        raise NotFound(pathways.NOT_ENROLLED)
    values = _values(session, person, data)
    found = outcome_of(session, pathway, person) or _new_outcome(session, pathway, person, now)
    found.next_project = values["next_project"]
    found.skills = values["skills"]
    found.orientations = values["orientations"]
    if not values["shared"]:
        found.shared_at = None
    elif found.shared_at is None:
        found.shared_at = now
    found.updated_at = now
    return found


def _new_outcome(session: Session, pathway: Pathway, person: Beneficiary, now: datetime) -> PathwayOutcome:
    """A new row, or the one another request made at the same moment (the pair is unique)."""
    made = PathwayOutcome(
        pathway=pathway, beneficiary=person, created_at=now, updated_at=now, next_project=""
    )
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError:
        if made in session:
            session.expunge(made)
        found = outcome_of(session, pathway, person)
        assert found is not None
        return found
    return made


def purge(session: Session, *, now: datetime, days: int = DEFAULT_RETENTION_DAYS) -> int:
    """Delete the outcomes not touched for `days` days (BADGES_OUTCOME_RETENTION_DAYS); how many went."""
    if days < 1:
        raise InvalidInput({"days": message("outcome.retention", N_("Durée de conservation invalide."))})
    limit = now - timedelta(days=days)
    result = session.execute(delete(PathwayOutcome).where(PathwayOutcome.updated_at < limit))
    return int(getattr(result, "rowcount", 0) or 0)
