"""Pathway badges (badges de parcours): a badge class awarded by itself for a whole pathway.

Its rule (table pathway_badge): the chosen component classes of the same tiers-lieu (all of them, or
`at_least` of them) held and not revoked, enrolment in the pathway, and the attendance asked for at the
pathway's own ateliers. awarding.settle asks `due` after the other badges of the same save, so a component
issued by that save counts at once; the award rests on its components (CredentialBasis), so revoking one
of them revokes it (credentials/revocation.py). Exactly once is the credential's unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Attendance,
    BadgeClass,
    Beneficiary,
    Credential,
    CredentialBasis,
    Enrolment,
    Issuer,
    Pathway,
    PathwayBadge,
)
from badges.services.credentials.links import Links
from badges.services.programme import pathways
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import Fields

UNKNOWN_PATHWAY = message("pathway_badge.pathway", N_("Choisissez un parcours de ce tiers-lieu."))
COMPONENTS = message(
    "pathway_badge.components", N_("Cochez de 1 à %(max)s badges de ce tiers-lieu qui composent le parcours.")
)
NOT_A_COMPONENT = message(
    "pathway_badge.not_a_component",
    N_("Un badge de parcours ne peut pas être composé de lui-même ni d'un autre badge de parcours."),
)
AT_LEAST_TOO_MANY = message(
    "pathway_badge.at_least",
    N_("Le nombre de badges demandés dépasse le nombre de badges cochés (%(total)s)."),
)
OBJECT = message("pathway_badge.object", N_("Objet attendu : parcours, badges, nombre et participation."))
IS_A_COMPONENT = message(
    "pathway_badge.is_a_component",
    N_("Ce badge compose le badge de parcours « %(name)s » : il ne peut pas devenir un badge de parcours."),
)
SHARED = message(
    "pathway_badge.shared",
    N_("Ce badge est partagé avec le réseau : arrêtez de le partager avant d'en faire un badge de parcours."),
)
REVOKED_WITH_COMPONENT = "Un badge de ce parcours a été révoqué."

MAX_COMPONENTS = 30
KEYS = {"pathway", "components", "at_least", "min_ateliers", "min_hours"}


@dataclass(frozen=True)
class Spec:
    """A checked pathway-badge rule, before it is written."""

    pathway_id: int
    components: list[BadgeClass]
    at_least: int | None
    min_ateliers: int | None
    min_hours: int | None


@dataclass(frozen=True)
class Progress:
    """Where one person stands: component badges held (of `needed`), ateliers and minutes at the pathway."""

    enrolled: bool
    held: list[Credential]
    needed: int
    ateliers: int
    minutes: int

    def meets(self, rule: PathwayBadge) -> bool:
        return (
            self.enrolled
            and len(self.held) >= self.needed
            and self.ateliers >= (rule.min_ateliers or 0)
            and self.minutes >= 60 * (rule.min_hours or 0)
        )


def parse(session: Session, raw: Any, *, issuer: Issuer, current: BadgeClass | None) -> Spec | None:
    """Check a rule {"pathway", "components", "at_least"?, "min_ateliers"?, "min_hours"?} (None: not a pathway
    badge); every object named must belong to `issuer`, else a field error (nothing is written). A class
    shared with the network cannot become one (shared_classes.share refuses the reverse): another tiers-lieu
    would award it by a rule naming the creator's pathway and badges."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - KEYS:
        raise InvalidInput({"pathway_badge": OBJECT})
    if current is not None and current.shared_at is not None:
        raise InvalidInput({"pathway_badge": SHARED})
    fields = Fields(raw)
    errors: dict[str, Message] = {}
    pathway_id = _pathway_id(session, raw.get("pathway"), issuer, errors)
    components = _components(session, raw.get("components"), issuer, current, errors)
    at_least = fields.integer("at_least", minimum=1, maximum=MAX_COMPONENTS)
    min_ateliers = fields.integer("min_ateliers", minimum=1, maximum=500)
    min_hours = fields.integer("min_hours", minimum=1, maximum=2000)
    if at_least is not None and components and at_least > len(components) and "at_least" not in fields.errors:
        errors["at_least"] = AT_LEAST_TOO_MANY(total=len(components))
    if current is not None and current.id is not None:
        _not_a_component_itself(session, current, errors)
    errors = {**{f"pathway_badge.{k}": v for k, v in {**fields.errors, **errors}.items()}}
    if errors:
        raise InvalidInput(errors)
    assert pathway_id is not None
    return Spec(pathway_id, components, at_least, min_ateliers, min_hours)


def _pathway_id(
    session: Session, public_id: object, issuer: Issuer, errors: dict[str, Message]
) -> int | None:
    if not isinstance(public_id, str) or not public_id:
        errors["pathway"] = UNKNOWN_PATHWAY
        return None
    try:
        return pathways.pathway_in_scope(session, public_id, [issuer.id]).id
    except NotFound:
        errors["pathway"] = UNKNOWN_PATHWAY
        return None


def _components(
    session: Session, ids: object, issuer: Issuer, current: BadgeClass | None, errors: dict[str, Message]
) -> list[BadgeClass]:
    if (
        not isinstance(ids, list)
        or not 1 <= len(ids) <= MAX_COMPONENTS
        or not all(isinstance(i, str) for i in ids)
    ):
        errors["components"] = COMPONENTS(max=MAX_COMPONENTS)
        return []
    found = list(
        session.scalars(
            select(BadgeClass)
            .where(BadgeClass.public_id.in_(ids), BadgeClass.issuer_id == issuer.id)
            .order_by(BadgeClass.name)
        )
    )
    if len(found) != len(set(ids)):
        # Another tiers-lieu's class is unknown here, exactly like a class that does not exist.
        errors["components"] = COMPONENTS(max=MAX_COMPONENTS)
        return []
    nested = set(session.scalars(select(PathwayBadge.badge_class_id)))
    if any(c.id in nested or (current is not None and c.id == current.id) for c in found):
        errors["components"] = NOT_A_COMPONENT
    return found


def _not_a_component_itself(session: Session, badge: BadgeClass, errors: dict[str, Message]) -> None:
    """A component of another pathway badge cannot become one (no nesting, hence no cycle)."""
    parent = session.scalars(
        select(BadgeClass)
        .join(PathwayBadge, PathwayBadge.badge_class_id == BadgeClass.id)
        .where(PathwayBadge.components.any(BadgeClass.id == badge.id))
    ).first()
    if parent is not None:
        errors["components"] = IS_A_COMPONENT(name=parent.name)


def is_component(session: Session, badge: BadgeClass) -> bool:
    query = select(PathwayBadge.badge_class_id).where(PathwayBadge.components.any(BadgeClass.id == badge.id))
    return session.scalar(query.limit(1)) is not None


def rule_of(session: Session, badge: BadgeClass) -> PathwayBadge | None:
    return session.get(PathwayBadge, badge.id) if badge.id is not None else None


def spec_of(rule: PathwayBadge) -> Spec:
    return Spec(rule.pathway_id, list(rule.components), rule.at_least, rule.min_ateliers, rule.min_hours)


def apply(session: Session, badge: BadgeClass, spec: Spec | None) -> None:
    """Write a checked rule on a flushed class (None: it is no longer a pathway badge)."""
    rule = rule_of(session, badge)
    if spec is None:
        if rule is not None:
            session.delete(rule)
            session.flush()
        return
    if rule is None:
        rule = PathwayBadge(badge_class_id=badge.id)
        session.add(rule)
    rule.pathway_id = spec.pathway_id
    rule.components = list(spec.components)
    rule.at_least, rule.min_ateliers, rule.min_hours = spec.at_least, spec.min_ateliers, spec.min_hours
    session.flush()


def describe(session: Session, spec: Spec) -> str:
    """The criteria narrative's first line for a pathway badge."""
    pathway = session.get(Pathway, spec.pathway_id)
    total = len(spec.components)
    which = (
        f"au moins {spec.at_least} des {total}" if spec.at_least and spec.at_least < total else f"les {total}"
    )
    text = f"Avoir suivi le parcours « {pathway.title if pathway else ''} » et obtenu {which} badges suivants"
    parts = []
    if spec.min_ateliers:
        parts.append(f"au moins {spec.min_ateliers} ateliers du parcours")
    if spec.min_hours:
        parts.append(f"au moins {spec.min_hours} heures d'ateliers du parcours")
    text += (", avec " + " et ".join(parts) if parts else "") + " :"
    return "\n".join([text, *(f"- {c.name}" for c in spec.components)])


def rules_of_issuer(session: Session, issuer_id: int) -> list[PathwayBadge]:
    return list(
        session.scalars(
            select(PathwayBadge)
            .join(BadgeClass, BadgeClass.id == PathwayBadge.badge_class_id)
            .where(BadgeClass.issuer_id == issuer_id)
            .order_by(PathwayBadge.badge_class_id)
        )
    )


def progress(session: Session, rule: PathwayBadge, person: Beneficiary) -> Progress:
    component_ids = [c.id for c in rule.components]
    held = list(
        session.scalars(
            select(Credential)
            .where(
                Credential.beneficiary_id == person.id,
                Credential.badge_class_id.in_(component_ids),
                Credential.revoked_at.is_(None),
                Credential.erased_at.is_(None),
            )
            .order_by(Credential.issued_at, Credential.id)
        )
    )
    enrolled = session.scalar(
        select(Enrolment.id).where(
            Enrolment.pathway_id == rule.pathway_id, Enrolment.beneficiary_id == person.id
        )
    )
    ateliers, minutes = session.execute(
        select(func.count(Atelier.id), func.coalesce(func.sum(Atelier.duration_minutes), 0))
        .join(Attendance, Attendance.atelier_id == Atelier.id)
        .where(
            Atelier.pathway_id == rule.pathway_id,
            Attendance.beneficiary_id == person.id,
            Attendance.present.is_(True),
        )
    ).one()
    needed = rule.at_least or len(component_ids)
    return Progress(enrolled is not None, held, needed, ateliers, minutes)


def due(session: Session, person: Beneficiary) -> list[BadgeClass]:
    """The pathway badges this person has earned and does not hold yet."""
    found: list[BadgeClass] = []
    found_rules = rules_of_issuer(session, person.issuer_id)
    if not found_rules:
        return found  # most tiers-lieux: one query, and nothing more per person
    query = select(Credential.badge_class_id).where(Credential.beneficiary_id == person.id)
    held = set(session.scalars(query))
    for rule in found_rules:
        if rule.badge_class_id in held:
            continue
        state = progress(session, rule, person)
        if state.meets(rule):
            found.append(rule.badge_class)
    return found


def parts_for(session: Session, badge: BadgeClass, person: Beneficiary) -> list[Credential] | None:
    """None for a class that is not a pathway badge; else the awards it rests on ([] when not earned)."""
    rule = rule_of(session, badge)
    if rule is None:
        return None
    state = progress(session, rule, person)
    return state.held if state.meets(rule) else []


def evidence(parts: list[Credential], links: Links) -> list[dict[str, str]]:
    """The component credentials, by their public page (OB 3.0 Evidence.id: "the URL of a webpage presenting
    evidence of achievement"): no name, no note, only the badge and its date."""
    return [
        {
            "id": links.credential_page(part.public_id),
            "name": part.revision.name,
            "narrative": f"Badge obtenu le {part.issued_at:%d/%m/%Y}.",
        }
        for part in parts
    ]


def record_basis(session: Session, credential: Credential, parts: list[Credential]) -> None:
    for part in parts:
        session.add(CredentialBasis(credential_id=credential.id, basis_id=part.id))
    session.flush()


@dataclass(frozen=True)
class Choices:
    """What the badge-class form offers: the tiers-lieu's pathways and the classes that can be components."""

    pathways: list[tuple[str, str]]
    components: list[tuple[str, str]]


def choices(session: Session, issuer: Issuer, badge: BadgeClass | None) -> Choices:
    nested = set(session.scalars(select(PathwayBadge.badge_class_id)))
    classes = session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.name)
    )
    found = session.scalars(select(Pathway).where(Pathway.issuer_id == issuer.id).order_by(Pathway.title))
    return Choices(
        pathways=[(p.public_id, p.title) for p in found],
        components=[
            (c.public_id, c.name)
            for c in classes
            if c.id not in nested and (badge is None or c.id != badge.id)
        ],
    )


def form_values(session: Session, badge: BadgeClass) -> dict[str, Any]:
    """A pathway badge's rule as the badge-class form shows it (empty for another class)."""
    rule = rule_of(session, badge)
    if rule is None:
        return {}
    return {
        "rule_mode": "pathway",
        "path_pathway": rule.pathway.public_id,
        "path_components": [c.public_id for c in rule.components],
        "path_at_least": str(rule.at_least or ""),
        "path_ateliers": str(rule.min_ateliers or ""),
        "path_hours": str(rule.min_hours or ""),
    }


def summary(published: dict[str, Any] | None) -> list[str]:
    """The staff screens' line for a pathway badge, from its published revision (empty for another class)."""
    if not published:
        return []
    names = [c["name"] for c in published["components"]]
    some = published.get("at_least") and published["at_least"] < len(names)
    which = f"au moins {published['at_least']} des {len(names)}" if some else f"les {len(names)}"
    wanted = f"le badge {names[0]}" if len(names) == 1 else f"{which} badges : " + ", ".join(names)
    return [f"Badge de parcours « {published['pathway']} » : obtenir {wanted}."]


def to_json(session: Session, badge: BadgeClass) -> dict[str, Any] | None:
    """A pathway badge's rule as the API reads and writes it (public ids); None for another class."""
    rule = rule_of(session, badge)
    if rule is None:
        return None
    found = {
        "pathway": rule.pathway.public_id,
        "components": [c.public_id for c in rule.components],
        "at_least": rule.at_least,
        "min_ateliers": rule.min_ateliers,
        "min_hours": rule.min_hours,
    }
    return {key: value for key, value in found.items() if value is not None}
