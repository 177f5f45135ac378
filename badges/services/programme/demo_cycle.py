"""The demo's whole cycle: a pathway with ateliers, a filled grid, ressenti, one outcome, badges issued.

Everything goes through the services the screens use (never raw inserts), so the demo shows what a
tiers-lieu sees after running a short pathway: the ateliers of the last weeks, the avant / pendant / après
levels of the grid, the badges the rules issued (signed, inline), the group's ressenti with a few
"à revoir", and one end-of-pathway outcome oriented to a demo resource actor. The pathway stays open
(not closed), so that every screen, including the grid and the outcome form, can still be edited.
Idempotent: the pathway's title is the key; once it exists nothing is added.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Agency, Atelier, BadgeClass, Beneficiary, Issuer, Pathway, ResourceActor, Role, User
from badges.services.programme import actors, badge_classes, beneficiaries, evaluation, outcomes, pathways
from badges.services.programme import ressenti as ressenti_service
from badges.services.programme.awarding import Issuing

PATHWAY_TITLE = "Le numérique au quotidien (démo)"
AGENCY_NAME = "France Travail Vitry-sur-Seine (démo)"
ACTOR_NAME = "CCAS de Vitry-sur-Seine (démo)"
PEOPLE = ("Sofia", "Lucien", "Mireille", "Thanh", "Yasmina")  # besides the demo's Awa and Karim
COMPETENCES = ("pix-crcn:1.1", "digcomp:1.1", "pix-crcn:2.1", "digcomp:2.1")
BADGE = {
    "name": "Chercher une information en ligne",
    "description": "Je sais chercher une information sur internet et choisir un site fiable.",
    "criteria_narrative": None,
    "level": "N2",
    "competencies": ["pix-crcn:1.1", "digcomp:1.1"],
    "rule": [{"type": "competences_acquired"}],
    "tags": ["recherche", "internet"],
    "palette": "bleu",
}
# (title, days before today, competences, moment, method); the levels per person follow.
ATELIERS = (
    ("Premiers pas : où j'en suis", 35, COMPETENCES[:2], "avant", "entretien"),
    ("Chercher sur internet", 28, COMPETENCES[:2], "pendant", "observation"),
    ("Mes e-mails", 21, COMPETENCES[2:], "pendant", "mise_en_situation"),
    ("Bilan : ce que je sais faire", 14, COMPETENCES, "apres", "observation"),
)
# Level of each person at each atelier (the same for every competence of that atelier); None: absent.
LEVELS: dict[str, tuple[str | None, ...]] = {
    "Awa": ("N1", "N2", "N2", "N3"),
    "Karim": ("N1", "N1", "N2", "N2"),
    "Sofia": ("N1", "N2", None, "N2"),
    "Lucien": ("N1", "N1", "N1", "N2"),
    "Mireille": ("N1", "N1", "N1", "N1"),
    "Thanh": ("N1", None, "N1", "N1"),
    "Yasmina": ("N1", "N1", "N2", "N1"),
}
FEELINGS = ("tres_bien", "bien", "bien", "moyen", "tres_bien", "difficile", "bien")
TO_REVIEW = {"Mireille", "Thanh", "Yasmina"}


def ensure_cycle(session: Session, issuing: Issuing, *, issuer: Issuer, staff: User) -> Pathway:
    """The demo pathway of `issuer`, created with its whole cycle the first time."""
    mine = select(Pathway).where(Pathway.issuer_id == issuer.id, Pathway.title == PATHWAY_TITLE)
    found = session.scalars(mine).first()
    if found is not None:
        return found
    people = _people(session, issuer, issuing.now)
    pathway = _pathway(session, issuer, people, issuing.now)
    badge_classes.create_badge_class(session, issuer=issuer, data=BADGE, now=issuing.now)
    session.flush()
    for position, spec in enumerate(ATELIERS):
        atelier = _atelier(session, pathway, spec, issuing.now)
        _grid(session, issuing, atelier, staff, people, position, spec)
        _ressenti(session, atelier, people, position, issuing.now)
    _outcome(session, pathway, staff, people["Awa"], issuing.now)
    session.flush()
    return pathway


def _people(session: Session, issuer: Issuer, now: datetime) -> dict[str, Beneficiary]:
    for name in PEOPLE:
        beneficiaries.create_beneficiary(
            session, issuer=issuer, data={"display_name": name, "consent": True}, now=now
        )
    session.flush()
    found = session.scalars(select(Beneficiary).where(Beneficiary.issuer_id == issuer.id))
    return {person.display_name: person for person in found if person.display_name in LEVELS}


def _agency(session: Session, now: datetime) -> Agency:
    found = session.scalars(select(Agency).where(Agency.name == AGENCY_NAME)).first()
    if found is not None:
        return found
    coordination = User(role=Role.COORDINATOR.value, name="Coordination", email="coordination@example.org")
    agency = pathways.create_agency(
        session, by=coordination, data={"name": AGENCY_NAME, "department": "94"}, now=now
    )
    session.flush()
    return agency


def _pathway(session: Session, issuer: Issuer, people: dict[str, Beneficiary], now: datetime) -> Pathway:
    today = now.date()
    data = {
        "title": PATHWAY_TITLE,
        "type": "court",
        "category": "apprentissage_par_le_faire",
        "start_date": (today - timedelta(days=42)).isoformat(),
        "end_date": (today - timedelta(days=7)).isoformat(),
        "agency": _agency(session, now).public_id,
    }
    pathway = pathways.create_pathway(session, issuer=issuer, data=data, now=now)
    session.flush()
    for person in people.values():
        pathways.enrol(session, pathway=pathway, beneficiary=person, now=now)
    session.flush()
    return pathway


def _atelier(session: Session, pathway: Pathway, spec: tuple[Any, ...], now: datetime) -> Atelier:
    title, days, refs = spec[0], spec[1], spec[2]
    data = {
        "title": title,
        "held_on": (now.date() - timedelta(days=days)).isoformat(),
        "duration_minutes": 120,
        "competencies": list(refs),
    }
    atelier = pathways.create_atelier(session, pathway=pathway, data=data, now=now)
    session.flush()
    return atelier


def _grid(
    session: Session,
    issuing: Issuing,
    atelier: Atelier,
    staff: User,
    people: dict[str, Beneficiary],
    position: int,
    spec: tuple[Any, ...],
) -> None:
    """The atelier's grid with its attendance; the rules issue the badges it completes, signed inline."""
    present = {name: LEVELS[name][position] for name in people}
    cells = [
        {"beneficiary": people[name].public_id, "competency": ref, "result": level}
        for name, level in present.items()
        if level is not None
        for ref in spec[2]
    ]
    attendance = [
        {"beneficiary": person.public_id, "present": present[name] is not None}
        for name, person in people.items()
    ]
    data = {"moment": spec[3], "method": spec[4], "results": cells, "attendance": attendance}
    evaluation.record_grid(session, issuing, atelier=atelier, evaluator=staff, data=data)
    session.flush()


def _ressenti(
    session: Session, atelier: Atelier, people: dict[str, Beneficiary], position: int, now: datetime
) -> None:
    """Each present person's answer: a feeling, the sentences ticked, a few "à revoir"."""
    refs = [competency.ref for competency in atelier.competencies]
    for rank, (name, person) in enumerate(people.items()):
        if LEVELS[name][position] is None:
            continue
        kind = "a_revoir" if name in TO_REVIEW else ("acquis" if position >= 2 else "appris")
        data = {
            "feeling": FEELINGS[(rank + position) % len(FEELINGS)],
            "items": [ressenti_service.item_value(kind, refs[0])],
            "words": "J'aimerais refaire cet exercice." if name in TO_REVIEW else "",
        }
        ressenti_service.record(
            session, atelier=atelier, beneficiary=person, data=data, source="tablette", now=now
        )
    session.flush()


def _outcome(session: Session, pathway: Pathway, staff: User, person: Beneficiary, now: datetime) -> None:
    """Awa's end of pathway: her next project, the skills she will use, an orientation to the CCAS."""
    actor = session.scalars(select(ResourceActor).where(ResourceActor.name == ACTOR_NAME)).first()
    if actor is None:
        actor_data = {
            "kind": "ccas",
            "name": ACTOR_NAME,
            "department": "94",
            "address": "2 place Saint-Just, 94400 Vitry-sur-Seine",
            "contact": "01 00 00 00 00",
        }
        actor = actors.create_actor(session, by=staff, data=actor_data, now=now)
        session.flush()
    skills = [competency.ref for competency in outcomes.acquired(session, person)][:3]
    data: dict[str, Any] = {
        "next_project": "Faire mes démarches de logement en ligne, seule.",
        "shared": True,
        "skills": skills,
        "orientations": [actor.public_id],
    }
    outcomes.save_outcome(session, pathway=pathway, person=person, data=data, now=now)


def demo_badge(session: Session, issuer: Issuer) -> BadgeClass | None:
    """The class the demo's rules award (the other demo class is awarded by hand)."""
    mine = select(BadgeClass).where(BadgeClass.issuer_id == issuer.id, BadgeClass.name == BADGE["name"])
    return session.scalars(mine).first()
