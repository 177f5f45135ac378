"""Beneficiaries of a tiers-lieu: pseudonymous records with the minimum personal data."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Beneficiary, Issuer
from badges.services.badge_classes import PROFILES
from badges.services.errors import NotFound
from badges.services.validation import Fields

PHONE_RE = re.compile(r"^\+?[0-9 .-]{6,20}$")


def validate(data: dict[str, Any]) -> dict[str, Any]:
    fields = Fields(data)
    values = {
        "display_name": fields.text("display_name", max_len=100),
        "email": fields.email("email", required=False),
        "phone": fields.pattern("phone", PHONE_RE, "Numéro de téléphone invalide.", required=False),
        "profile": fields.choice("profile", PROFILES, required=False),
        "show_name_in_badges": fields.boolean("show_name_in_badges"),
        "consent": fields.boolean("consent"),
    }
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


def record_consent(beneficiary: Beneficiary, *, now: datetime) -> None:
    if beneficiary.consent_at is None:
        beneficiary.consent_at = now


def for_issuer(session: Session, *, issuer: Issuer, public_id: str) -> Beneficiary:
    """A beneficiary of this issuer; another issuer's beneficiary is reported as not found."""
    found = session.scalars(
        select(Beneficiary).where(Beneficiary.public_id == public_id, Beneficiary.issuer_id == issuer.id)
    ).first()
    if found is None:
        raise NotFound("Bénéficiaire introuvable.")
    return found
