"""Plain factory functions for tests: each builds valid objects through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from badges.models import BadgeClass, Beneficiary, Credential, Issuer, Role, User
from badges.services import accounts, badge_classes, beneficiaries, frameworks, issuance, issuers
from badges.services.crypto.keys import Keyring
from badges.services.links import Links

_counter = itertools.count(1)


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
    frameworks.load_defaults(session)
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
    user = accounts.create_user(
        session,
        email=f"staff{next(_counter)}@example.org",
        name="Médiatrice",
        role=Role.STAFF,
        issuer=issuer,
        password="correct horse battery",
        now=now,
    )
    return user, accounts.create_token(session, user=user, label="test", now=now)


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
