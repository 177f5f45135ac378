"""Awards as the staff screens show them: a filtered, paginated list and one award, in plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, BadgeRevision, Beneficiary, Credential, Issuer
from badges.services.credentials import formats, sharing
from badges.services.credentials.links import Links
from badges.services.holders import badge_view
from badges.services.shared import lookup, paging
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.paging import Page

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
UNKNOWN_STATUS = message(
    "awards.unknown_status", N_("Statut inconnu : choisissez valide, révoqué ou expiré.")
)
SEARCH_TOO_LONG = message("awards.search_too_long", N_("La recherche dépasse %(max)s caractères."))
BAD_PAGE = message("awards.bad_page", N_("Numéro de page invalide : la première page est affichée."))

STATUSES = ("valide", "revoque", "expire")
PER_PAGE = 20
MAX_SEARCH = 100


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    badge_class: str | None = None
    search: str | None = None
    page: int = 1

    def query(self) -> dict[str, str]:
        """The filters as query-string values, for links to the other pages."""
        found = {"q": self.search, "status": self.status, "badge": self.badge_class}
        return {name: value for name, value in found.items() if value}


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, dict[str, Message]]:
    """The filters of a query string; a bad value is left out and explained, never an error page."""
    errors: dict[str, Message] = {}
    status = args.get("status") or None
    if status is not None and status not in STATUSES:
        errors["status"] = UNKNOWN_STATUS
        status = None
    search = (args.get("q") or "").strip() or None
    if search is not None and len(search) > MAX_SEARCH:
        errors["q"] = SEARCH_TOO_LONG(max=MAX_SEARCH)
        search = None
    raw_page = args.get("page") or "1"
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100_000 else 0
    if page == 0:
        errors["page"] = BAD_PAGE
    filters = Filters(status=status, badge_class=args.get("badge") or None, search=search, page=page or 1)
    return filters, errors


def _status_condition(status: str, now: datetime) -> ColumnElement[bool]:
    not_revoked = Credential.revoked_at.is_(None)
    if status == "revoque":
        return Credential.revoked_at.is_not(None)
    if status == "expire":
        return and_(not_revoked, Credential.valid_until.is_not(None), Credential.valid_until <= now)
    return and_(not_revoked, or_(Credential.valid_until.is_(None), Credential.valid_until > now))


def _query(issuer: Issuer, filters: Filters, now: datetime) -> Select[Any]:
    query = (
        select(Credential)
        .join(BadgeRevision, BadgeRevision.id == Credential.revision_id)
        .join(BadgeClass, BadgeClass.id == Credential.badge_class_id)
        .outerjoin(Beneficiary, Beneficiary.id == Credential.beneficiary_id)
        .where(Credential.issuer_id == issuer.id, Credential.erased_at.is_(None))
    )
    if filters.status:
        query = query.where(_status_condition(filters.status, now))
    if filters.badge_class:
        query = query.where(BadgeClass.public_id == filters.badge_class)
    if filters.search:
        needle = filters.search.lower()
        query = query.where(
            or_(
                func.lower(Beneficiary.display_name).contains(needle, autoescape=True),
                func.lower(BadgeRevision.name).contains(needle, autoescape=True),
            )
        )
    return query


class AwardRow(TypedDict):
    """One award in the staff list."""

    id: str
    badge: str
    beneficiary: str
    issued_at: datetime
    valid_until: datetime | None
    status: str
    revoked_at: datetime | None
    revocation_reason: str | None


class AwardDetail(AwardRow):
    """One award on its staff screen."""

    beneficiary_email: str | None
    level: str | None
    page_url: str
    public: bool
    claim_code: str | None
    downloads: list[badge_view.Download]


@dataclass(frozen=True, slots=True)
class AwardList:
    """A page of awards and the badge classes the filter offers (public id, name)."""

    page: Page[AwardRow]
    badge_classes: list[tuple[str, str]]


def _item(credential: Credential, now: datetime) -> AwardRow:
    return {
        "id": credential.public_id,
        "badge": credential.revision.name,
        "beneficiary": credential.beneficiary.display_name if credential.beneficiary else "",
        "issued_at": credential.awarded_at or credential.issued_at,
        "valid_until": credential.valid_until,
        "status": badge_view.status(credential, now),
        "revoked_at": credential.revoked_at,
        "revocation_reason": credential.revocation_reason,
    }


def list_awards(
    session: Session, *, issuer: Issuer, filters: Filters, now: datetime, per_page: int = PER_PAGE
) -> AwardList:
    """One page of the tiers-lieu's awards, newest first, with the count and the filter choices."""
    query = _query(issuer, filters, now).order_by(Credential.issued_at.desc(), Credential.id.desc())
    found = paging.paginate(session, query, page=filters.page, per_page=per_page, clamp=True)
    classes = session.execute(
        select(BadgeClass.public_id, BadgeClass.name)
        .where(BadgeClass.issuer_id == issuer.id)
        .order_by(BadgeClass.name)
    )
    return AwardList(
        page=found.map(lambda credential: _item(credential, now)),
        badge_classes=[(public_id, name) for public_id, name in classes],
    )


def group_awards(
    session: Session, *, issuer: Issuer, beneficiary_ids: list[int], now: datetime
) -> list[AwardRow]:
    """The tiers-lieu's awards of these people (an atelier's group), newest first: to open or print."""
    if not beneficiary_ids:
        return []
    rows = session.scalars(
        select(Credential)
        .where(
            Credential.issuer_id == issuer.id,
            Credential.erased_at.is_(None),
            Credential.beneficiary_id.in_(beneficiary_ids),
        )
        .order_by(Credential.issued_at.desc(), Credential.id.desc())
    )
    return [_item(c, now) for c in rows]


def award_of(session: Session, *, issuer: Issuer, public_id: str) -> Credential:
    """An award of this tiers-lieu; another tiers-lieu's award, or an erased one, is not found."""
    return lookup.find_owned(
        session,
        Credential,
        public_id,
        owner=Credential.issuer_id,
        issuer_ids=[issuer.id],
        where=[Credential.erased_at.is_(None)],
        message=BADGE_NOT_FOUND,
    )


def award_detail(session: Session, links: Links, credential: Credential, now: datetime) -> AwardDetail:
    """Everything the award screen shows; the claim code only once it exists (printing makes it)."""
    settings = sharing.settings_of(session, credential)
    person, public = credential.beneficiary, sharing.publicly_visible(session, credential)
    return {
        **_item(credential, now),
        "beneficiary_email": person.email if person else None,
        "level": credential.revision.level,
        "page_url": links.credential_page(credential.public_id),
        "public": public,
        "claim_code": sharing.format_code(settings.claim_code) if settings else None,
        "downloads": badge_view.downloads(
            private=not public, signed_ob2=formats.signed_ob2_possible(credential)
        ),
    }
