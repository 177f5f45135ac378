"""Plain factory functions for tests: each builds valid objects through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import (
    Agency,
    Atelier,
    BadgeClass,
    Beneficiary,
    Credential,
    Evaluation,
    Issuer,
    Pathway,
    ReviewFlag,
    Role,
    User,
)
from badges.services.accounts import users
from badges.services.credentials import issuance, issuers
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import (
    badge_classes,
    beneficiaries,
    evaluation,
    framework_io,
    pathways,
)
from badges.services.programme.awarding import Issuing, Outcome

_counter = itertools.count(1)
# The two competences of the shipped "découverte" framework that make_atelier and make_rule_badge_class use.
D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


def count(session: Session, model: Any) -> int:
    """Rows of a model, this session's pending changes included (autoflush)."""
    return session.scalar(select(func.count()).select_from(model)) or 0


def count_committed(session: Session, model: Any) -> int:
    """Rows of a model as committed (by the requests of a web test): the session's transaction ends first."""
    session.rollback()
    return count(session, model)


def make_issuer(session: Session, keyring: Keyring, links: Links, now: datetime, **overrides: Any) -> Issuer:
    n = next(_counter)
    data = {
        "slug": f"tiers-lieu-{n}",
        "name": f"Tiers-lieu {n}",
        "url": f"https://tiers-lieu-{n}.example",
        "email": f"contact@tiers-lieu-{n}.example",
        "department": "94",
        **overrides,
    }
    return issuers.create_issuer(session, keyring, data=data, links=links, now=now)


def make_badge_class(session: Session, issuer: Issuer, now: datetime, **overrides: Any) -> BadgeClass:
    framework_io.load_defaults(session)
    data = {
        "name": "Échanger par e-mail",
        "description": "Je sais envoyer un e-mail avec une pièce jointe.",
        "criteria_narrative": "Avoir envoyé seul un e-mail avec une pièce jointe en atelier.",
        "level": "N2",
        "competencies": ["pix-crcn:2.1", "digcomp:2.1"],
        "profile": "intermediaire",
        **overrides,
    }
    badge = badge_classes.create_badge_class(session, issuer=issuer, data=data, now=now)
    session.flush()
    return badge


def make_beneficiary(session: Session, issuer: Issuer, now: datetime, **overrides: Any) -> Beneficiary:
    data = {
        "display_name": "Awa",
        "email": "awa@example.org",
        "consent": True,
        "profile": "intermediaire",
        **overrides,
    }
    person = beneficiaries.create_beneficiary(session, issuer=issuer, data=data, now=now)
    session.flush()
    return person


def make_staff(session: Session, issuer: Issuer, now: datetime) -> tuple[User, str]:
    user = users.create_user(
        session,
        email=f"staff{next(_counter)}@example.org",
        name="Médiatrice",
        role=Role.STAFF,
        issuer=issuer,
        password="correct horse battery",
        now=now,
    )
    return user, users.create_token(session, user=user, label="test", now=now)


def make_award(
    session: Session,
    keyring: Keyring,
    links: Links,
    now: datetime,
    *,
    issuer: Issuer | None = None,
    **beneficiary: Any,
) -> Credential:
    issuer = issuer or make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    person = make_beneficiary(session, issuer, now, **beneficiary)
    return issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)


# Programme data: pathways, ateliers, evaluations (issue 4).


def make_account(
    session: Session, now: datetime, role: Role, *, name: str, agency: Agency | None = None
) -> tuple[User, str]:
    """An account outside any tiers-lieu (the coordination, a counsellor of `agency` or of none yet) and
    its API token."""
    user = users.create_user(
        session,
        email=f"{role.value}{next(_counter)}@example.org",
        name=name,
        role=role,
        issuer=None,
        password=None,
        now=now,
    )
    user.agency = agency
    session.flush()
    return user, users.create_token(session, user=user, label="test", now=now)


def make_coordinator(session: Session, now: datetime) -> tuple[User, str]:
    """A coordinator reads every tiers-lieu and writes nothing."""
    return make_account(session, now, Role.COORDINATOR, name="Coordination")


def coordination() -> User:
    """Who the services expect behind a partner agency or a counsellor account (never stored)."""
    return User(role=Role.COORDINATOR.value, name="Coordination", email="coordination@example.org")


def make_agency(session: Session, now: datetime, **overrides: Any) -> Agency:
    data = {"name": f"France Travail agence {next(_counter)}", "department": "94", **overrides}
    agency = pathways.create_agency(session, by=coordination(), data=data, now=now)
    session.flush()
    return agency


def make_pathway(session: Session, issuer: Issuer, now: datetime, **overrides: Any) -> Pathway:
    data = {
        "title": f"Parcours numérique {next(_counter)}",
        "type": "court",
        "category": "apprentissage_par_le_faire",
        "start_date": "2026-03-01",
        "end_date": "2026-06-30",
        **overrides,
    }
    pathway = pathways.create_pathway(session, issuer=issuer, data=data, now=now)
    session.flush()
    return pathway


def make_atelier(session: Session, pathway: Pathway, now: datetime, **overrides: Any) -> Atelier:
    framework_io.load_defaults(session)
    data = {
        "title": f"Atelier e-mail {next(_counter)}",
        "held_on": "2026-03-10",
        "duration_minutes": 120,
        "competencies": ["parcours-decouverte:D-06", "parcours-decouverte:D-07"],
        **overrides,
    }
    atelier = pathways.create_atelier(session, pathway=pathway, data=data, now=now)
    session.flush()
    return atelier


def enrol(session: Session, pathway: Pathway, now: datetime, *people: Beneficiary) -> None:
    for person in people:
        pathways.enrol(session, pathway=pathway, beneficiary=person, now=now)
    session.flush()


def make_rule_badge_class(
    session: Session,
    issuer: Issuer,
    now: datetime,
    *,
    competencies: tuple[str, ...] = ("parcours-decouverte:D-06", "parcours-decouverte:D-07"),
    level: str = "N1",
    rule: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> BadgeClass:
    """A class awarded by itself: by default, every competence at `level` in a staff evaluation."""
    data = {
        "name": "Mes premiers e-mails",
        "description": "Je sais créer mon adresse e-mail, lire et envoyer un message.",
        "criteria_narrative": None,
        "level": level,
        "competencies": list(competencies),
        "rule": rule if rule is not None else [{"type": "competences_acquired"}],
        "profile": "exclu",
        **overrides,
    }
    return make_badge_class(session, issuer, now, **data)


@dataclass
class Programme:
    """A tiers-lieu running one pathway, as the programme tests need it."""

    issuer: Issuer
    pathway: Pathway
    atelier: Atelier
    staff: User
    staff_token: str
    badge: BadgeClass
    people: list[Beneficiary] = field(default_factory=list)


def make_programme(
    session: Session,
    keyring: Keyring,
    links: Links,
    now: datetime,
    *people: dict[str, Any],
    issuer: Issuer | None = None,
) -> Programme:
    """A pathway with one atelier on D-06 and D-07, a staff member, a class awarded when both reach N1 in
    a staff evaluation, and one enrolled beneficiary per dict of overrides (one "Awa" when none is given)."""
    issuer = issuer or make_issuer(session, keyring, links, now)
    pathway = make_pathway(session, issuer, now)
    atelier = make_atelier(session, pathway, now)
    enrolled = [make_beneficiary(session, issuer, now, **overrides) for overrides in people or ({},)]
    enrol(session, pathway, now, *enrolled)
    staff, token = make_staff(session, issuer, now)
    badge = make_rule_badge_class(session, issuer, now)
    return Programme(issuer, pathway, atelier, staff, token, badge, enrolled)


def issuing(keyring: Keyring, links: Links, now: datetime) -> Issuing:
    return Issuing(keyring, links, now)


def grid(
    session: Session,
    keyring: Keyring,
    links: Links,
    now: datetime,
    atelier: Atelier,
    evaluator: User,
    cells: list[tuple[Beneficiary, str, str]],
    *,
    method: str = "observation",
    moment: str = "pendant",
) -> tuple[list[Evaluation], Outcome]:
    """Record an atelier grid from (beneficiary, competence ref, result) cells."""
    data = {
        "moment": moment,
        "method": method,
        "results": [{"beneficiary": b.public_id, "competency": ref, "result": r} for b, ref, r in cells],
    }
    return evaluation.record_grid(
        session, issuing(keyring, links, now), atelier=atelier, evaluator=evaluator, data=data
    )


def make_flag(session: Session, award: Credential, now: datetime, *, new_result: str = "N1") -> ReviewFlag:
    """A review flag on an award: a later evaluation lowered the result of its first competence."""
    flag = ReviewFlag(
        credential=award,
        competency=award.badge_class.competencies[0],
        previous_result=award.badge_class.level,
        new_result=new_result,
        created_at=now,
    )
    session.add(flag)
    session.flush()
    return flag
