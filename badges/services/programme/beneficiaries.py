"""Beneficiaries of a tiers-lieu: pseudonymous records with the minimum personal data.

Never collected (docs/domain.md#D-gdpr-minimisation): NIR, nationality or origin, health or disability, France
Travail identifier. A language need is a yes/no "besoin d'appui en français", nothing more.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Credential, Issuer
from badges.services.shared import lookup
from badges.services.shared.errors import Conflict, InvalidInput
from badges.services.shared.messages import N_, message
from badges.services.shared.profiles import PROFILES
from badges.services.shared.validation import Fields

NOT_COLLECTED = message("beneficiary.not_collected", N_("Ce champ n'est pas collecté."))
BAD_PHONE = message("beneficiary.phone", N_("Numéro de téléphone invalide."))
CONSENT_ACTION = message(
    "beneficiary.consent_action", N_("L'accord s'enregistre avec l'action « consentement ».")
)
HAS_BADGES = message("beneficiary.has_badges", N_("Ce bénéficiaire a des badges : effacez-les d'abord."))
BENEFICIARY_NOT_FOUND = message("beneficiary.not_found", N_("Bénéficiaire introuvable."))

PHONE_RE = re.compile(r"^\+?[0-9 .-]{6,20}$")
FIELDS = (
    "display_name",
    "email",
    "phone",
    "profile",
    "show_name_in_badges",
    "needs_french_support",
    "consent",
)


def validate(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        # Refusing unknown fields keeps data docs/domain.md#D-gdpr-minimisation forbids (nationality, NIR,
        # ...) from slipping in.
        raise InvalidInput({name: NOT_COLLECTED for name in unknown})
    fields = Fields(data)
    checks = {
        "display_name": lambda: fields.text("display_name", max_len=100),
        "email": lambda: fields.email("email", required=False),
        "phone": lambda: fields.pattern("phone", PHONE_RE, BAD_PHONE, required=False),
        "profile": lambda: fields.choice("profile", PROFILES, required=False),
        "show_name_in_badges": lambda: fields.boolean("show_name_in_badges"),
        "needs_french_support": lambda: fields.boolean("needs_french_support"),
        "consent": lambda: fields.boolean("consent"),
    }
    values = {name: check() for name, check in checks.items() if not partial or name in data}
    fields.check()
    return values


def create_beneficiary(
    session: Session, *, issuer: Issuer, data: dict[str, Any], now: datetime
) -> Beneficiary:
    values = validate(data)
    consent = values.pop("consent")
    beneficiary = Beneficiary(
        issuer=issuer,
        subject_id=f"urn:uuid:{uuid.uuid4()}",
        created_at=now,
        consent_at=now if consent else None,
        **values,
    )
    session.add(beneficiary)
    return beneficiary


def update_beneficiary(session: Session, *, beneficiary: Beneficiary, data: dict[str, Any]) -> Beneficiary:
    """Edit the record; consent is recorded through record_consent (it may issue pending badges)."""
    if "consent" in data:
        raise InvalidInput({"consent": CONSENT_ACTION})
    for name, value in validate(data, partial=True).items():
        setattr(beneficiary, name, value)
    return beneficiary


def delete_beneficiary(session: Session, *, beneficiary: Beneficiary) -> None:
    """Delete the accompaniment file (evaluations, attendance, criteria follow by cascade).

    Badges are erased first through the awards' erasure, which keeps a revocation entry without PII.
    """
    held = session.scalar(
        select(Credential.id).where(
            Credential.beneficiary_id == beneficiary.id, Credential.erased_at.is_(None)
        )
    )
    if held is not None:
        raise Conflict(HAS_BADGES)
    session.delete(beneficiary)


def record_consent(beneficiary: Beneficiary, *, now: datetime) -> None:
    if beneficiary.consent_at is None:
        beneficiary.consent_at = now


def for_issuer(session: Session, *, issuer: Issuer, public_id: str) -> Beneficiary:
    """A beneficiary of this issuer; another issuer's beneficiary is reported as not found."""
    return in_scope(session, public_id=public_id, issuer_ids=[issuer.id])


def in_scope(session: Session, *, public_id: str, issuer_ids: list[int] | None) -> Beneficiary:
    return lookup.find_owned(
        session,
        Beneficiary,
        public_id,
        owner=Beneficiary.issuer_id,
        issuer_ids=issuer_ids,
        message=BENEFICIARY_NOT_FOUND,
    )


def by_public_ids(session: Session, *, issuer: Issuer, public_ids: list[str]) -> dict[str, Beneficiary]:
    """The issuer's beneficiaries among these public ids, in one query (an import names thousands); the
    others (unknown, or another issuer's) are simply absent."""
    wanted = sorted(set(public_ids))
    found: dict[str, Beneficiary] = {}
    for start in range(0, len(wanted), 500):  # bounded IN lists
        rows = session.scalars(
            select(Beneficiary).where(
                Beneficiary.issuer_id == issuer.id, Beneficiary.public_id.in_(wanted[start : start + 500])
            )
        )
        found.update((person.public_id, person) for person in rows)
    return found
