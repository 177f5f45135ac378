"""The network as the coordination sees it: the tiers-lieux and partner agencies, their accounts, activity."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Agency, Credential, Issuer, Pathway, Role, User
from badges.services.accounts import staff_accounts
from badges.services.accounts.staff_accounts import Member
from badges.services.credentials import issuers
from badges.services.credentials.links import Links
from badges.services.shared.errors import NotAllowed, NotFound
from badges.services.shared.messages import N_, message

COORDINATION_ONLY = message(
    "network.coordination_only",
    N_("Seule la coordination du réseau crée les agences partenaires et leurs conseillers."),
)
AGENCY_NOT_FOUND = message("network.agency_not_found", N_("Agence introuvable."))


class PlaceRow(TypedDict):
    slug: str
    name: str
    department: str
    accounts: int
    awards: int


class IssuerProfile(TypedDict):
    """A tiers-lieu's profile as the staff screens show and edit it."""

    slug: str
    name: str
    url: str
    email: str
    department: str
    description: str
    public_url: str


class IssuerDetail(IssuerProfile):
    team: list[Member]


class AgencyRow(TypedDict):
    id: str
    name: str
    department: str
    accounts: int
    pathways: int


class ReferredPathway(TypedDict):
    title: str
    place: str
    start_date: date
    end_date: date | None


class AgencyDetail(TypedDict):
    id: str
    name: str
    department: str
    team: list[Member]
    pathways: list[ReferredPathway]


def require_coordination(by: User) -> None:
    """Only the coordination makes partner agencies and counsellor accounts: a counsellor reads the
    beneficiaries every tiers-lieu's pathways refer from their agency, so one tiers-lieu's team making such
    an account would open the other tiers-lieux' data to it."""
    if by.role != Role.COORDINATOR.value:
        raise NotAllowed(COORDINATION_ONLY)


def overview(session: Session) -> list[PlaceRow]:
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


def issuer_profile(links: Links, issuer: Issuer) -> IssuerProfile:
    """A tiers-lieu's profile as the staff screens show and edit it."""
    return {
        "slug": issuer.slug,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "department": issuer.department or "",
        "description": issuer.description,
        "public_url": links.issuer(issuer.slug),
    }


def issuer_detail(session: Session, links: Links, issuer: Issuer) -> IssuerDetail:
    return {**issuer_profile(links, issuer), "team": staff_accounts.team(session, issuer)}


def agencies(session: Session) -> list[AgencyRow]:
    """One line per partner agency, by name: its counsellors and the pathways it refers people to."""
    people = dict(
        session.execute(
            select(User.agency_id, func.count()).where(User.agency_id.is_not(None)).group_by(User.agency_id)
        ).all()
    )
    referred = dict(
        session.execute(
            select(Pathway.agency_id, func.count())
            .where(Pathway.agency_id.is_not(None))
            .group_by(Pathway.agency_id)
        ).all()
    )
    return [
        {
            "id": agency.public_id,
            "name": agency.name,
            "department": agency.department or "",
            "accounts": people.get(agency.id, 0),
            "pathways": referred.get(agency.id, 0),
        }
        for agency in session.scalars(select(Agency).order_by(Agency.name, Agency.id))
    ]


def agency(session: Session, public_id: str) -> Agency:
    found = session.scalars(select(Agency).where(Agency.public_id == public_id)).first()
    if found is None:
        raise NotFound(AGENCY_NOT_FOUND)
    return found


def agency_detail(session: Session, agency: Agency) -> AgencyDetail:
    """The agency, its counsellors and the pathways (of any tiers-lieu) it refers people to."""
    pathways = session.scalars(
        select(Pathway).where(Pathway.agency_id == agency.id).order_by(Pathway.start_date.desc(), Pathway.id)
    )
    return {
        "id": agency.public_id,
        "name": agency.name,
        "department": agency.department or "",
        "team": staff_accounts.agency_team(session, agency),
        "pathways": [
            {"title": p.title, "place": p.issuer.name, "start_date": p.start_date, "end_date": p.end_date}
            for p in pathways
        ],
    }
