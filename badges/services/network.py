"""The network as the coordination sees it: every tiers-lieu, its team and how many badges it issued."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Credential, Issuer, User
from badges.services import issuers, staff_accounts
from badges.services.links import Links


def overview(session: Session) -> list[dict[str, Any]]:
    """One line per tiers-lieu, by name."""
    people = dict(
        session.execute(
            select(User.issuer_id, func.count()).where(User.issuer_id.is_not(None)).group_by(User.issuer_id)
        ).all()
    )
    awards = dict(
        session.execute(
            select(Credential.issuer_id, func.count())
            .where(Credential.erased_at.is_(None))
            .group_by(Credential.issuer_id)
        ).all()
    )
    return [
        {
            "slug": issuer.slug,
            "name": issuer.name,
            "department": issuer.department or "",
            "accounts": people.get(issuer.id, 0),
            "awards": awards.get(issuer.id, 0),
        }
        for issuer in issuers.all_issuers(session)
    ]


def issuer_detail(session: Session, links: Links, issuer: Issuer) -> dict[str, Any]:
    return {
        "slug": issuer.slug,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "department": issuer.department or "",
        "description": issuer.description,
        "public_url": links.issuer(issuer.slug),
        "team": staff_accounts.team(session, issuer),
    }
