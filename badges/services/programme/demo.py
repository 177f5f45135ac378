"""Demo data for a first start: one tiers-lieu, a staff account, a badge class, beneficiaries, and a whole
pathway cycle (demo_cycle: ateliers, grid, ressenti, outcome, badges issued)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Beneficiary, Issuer, Pathway, Role, User
from badges.services.accounts import users
from badges.services.credentials import issuers
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import badge_classes, beneficiaries, demo_cycle
from badges.services.programme.awarding import Issuing

DEMO_SLUG = "fabrique-demo"
DEMO_STAFF = "mediatrice@fabrique-demo.example"


@dataclass(frozen=True)
class DemoData:
    issuer: Issuer
    staff: User
    badge_class: BadgeClass
    beneficiaries: list[Beneficiary]
    pathway: Pathway


def ensure_demo(session: Session, keyring: Keyring, *, links: Links, now: datetime) -> DemoData:
    """Idempotent: a second run finds what the first created."""
    issuer = session.scalars(select(Issuer).where(Issuer.slug == DEMO_SLUG)).first()
    if issuer is None:
        issuer = _create(session, keyring, links=links, now=now)
    staff = session.scalars(select(User).where(User.email == DEMO_STAFF)).one()
    # Signed inline whatever INLINE_AWARDS_MAX says: the demo awards a handful of badges.
    pathway = demo_cycle.ensure_cycle(session, Issuing(keyring, links, now), issuer=issuer, staff=staff)
    badge = session.scalars(
        select(BadgeClass).where(BadgeClass.issuer_id == issuer.id).order_by(BadgeClass.id)
    ).first()
    assert badge is not None
    mine = select(Beneficiary).where(Beneficiary.issuer_id == issuer.id)
    people = list(session.scalars(mine.order_by(Beneficiary.id)))
    return DemoData(issuer, staff, badge, people, pathway)


def _create(session: Session, keyring: Keyring, *, links: Links, now: datetime) -> Issuer:
    issuer = issuers.create_issuer(
        session,
        keyring,
        data={
            "slug": DEMO_SLUG,
            "name": "La Fabrique du Coin (démo)",
            "url": "https://fabrique-demo.example",
            "email": "contact@fabrique-demo.example",
            "department": "94",
            "description": "Tiers-lieu de démonstration : fablab, atelier cuisine et café numérique.",
        },
        links=links,
        now=now,
    )
    users.create_user(
        session,
        email=DEMO_STAFF,
        name="Médiatrice démo",
        role=Role.STAFF,
        issuer=issuer,
        password=None,
        now=now,
    )
    badge_classes.create_badge_class(
        session,
        issuer=issuer,
        data={
            "name": "Échanger par e-mail",
            "description": "Je sais lire, écrire et envoyer un e-mail avec une pièce jointe.",
            "criteria_narrative": "Avoir envoyé seul, en atelier, un e-mail avec une pièce jointe "
            "à une personne de son choix, et répondu à un e-mail reçu.",
            "level": "N2",
            "competencies": ["pix-crcn:2.1", "digcomp:2.1"],
            "tags": ["e-mail", "communication"],
            "palette": "vert",
        },
        now=now,
    )
    for person in (
        {"display_name": "Awa", "email": "awa@example.org", "consent": True},
        {"display_name": "Karim", "consent": True},
    ):
        beneficiaries.create_beneficiary(session, issuer=issuer, data=person, now=now)
    session.flush()
    return issuer


class DemoGuide(TypedDict):
    """What `badges demo` prints: ids, the way in, and two commands that award a badge."""

    issuer: str
    staff_email: str
    staff_sign_in: str
    api_token: str
    badge_class: str
    beneficiaries: dict[str, str]
    pathway: str
    award_with_cli: str
    award_with_api: str


def describe(data: DemoData, links: Links, token: str, *, command: str, sign_in: str) -> DemoGuide:
    """What the newcomer needs to sign in, award and verify a badge by hand.

    `command` is how the `badges` command runs from the newcomer's shell (`.venv/bin/badges`) and
    `sign_in` the staff member's way in (a single-use link to choose a password, while there is none).
    """
    badge, cli_person, api_person = data.badge_class.public_id, data.beneficiaries[0], data.beneficiaries[1]
    return {
        "issuer": links.issuer(data.issuer.slug),
        "staff_email": data.staff.email,
        "staff_sign_in": sign_in,
        "api_token": token,
        "badge_class": badge,
        "beneficiaries": {b.display_name: b.public_id for b in data.beneficiaries},
        "pathway": f"{links.base}/staff/pathways/{data.pathway.public_id}",
        "award_with_cli": f"{command} awards create --issuer {data.issuer.slug} "
        f"--badge-class {badge} --beneficiary {cli_person.public_id}",
        "award_with_api": f"curl -s -X POST {links.base}/api/v1/awards -H 'Authorization: Bearer {token}' "
        f'-H \'Content-Type: application/json\' -d \'{{"badge_class": "{badge}", '
        f'"beneficiary": "{api_person.public_id}"}}\'',
    }
