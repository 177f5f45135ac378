"""Endorsements of a tiers-lieu or of a badge class revision: signed, listed, withdrawn (issue 16).

An endorsement is an OB 3.0 EndorsementCredential (OB 3.0 §B.1.2, Data Integrity eddsa-rdfc-2022) signed by
its endorser, served at its id, and an OB 2.0 hosted Endorsement built from the same row. Withdrawing sets
its bit in the endorser's BitstringStatusList and makes the OB 2.0 form answer 410.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import BadgeClass, BadgeRevision, Endorsement, Endorser, Issuer, Role, User
from badges.services.credentials import endorsers, revisions, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges import ob2, ob3
from badges.services.shared.errors import InvalidInput, NotAllowed, NotFound
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.rows import Prepared, Rows
from badges.services.shared.validation import Fields

TARGETS = ("issuer", "badge_class")
COMMENT_MAX = 280
NOT_AN_ENDORSER = message(
    "endorsement.not_an_endorser",
    N_("Seuls la coordination du réseau et les conseillers des agences partenaires recommandent."),
)
NO_AGENCY = message(
    "endorsement.no_agency",
    N_("Votre compte n'est rattaché à aucune agence : vous ne pouvez pas recommander."),
)
UNKNOWN_PLACE = message("endorsement.unknown_place", N_("Tiers-lieu introuvable."))
UNKNOWN_BADGE = message("endorsement.unknown_badge", N_("Badge introuvable."))
ALREADY = message("endorsement.already", N_("Vous recommandez déjà ceci."))
NOT_FOUND = message("endorsement.not_found", N_("Recommandation introuvable."))
# Endorsements in force (not withdrawn), listed in the order they were given.
ACTIVE = Endorsement.withdrawn_at.is_(None)
IN_ORDER = (Endorsement.created_at, Endorsement.id)


@dataclass(frozen=True)
class Target:
    kind: str
    issuer: Issuer | None
    revision: BadgeRevision | None
    # The endorsed Achievement or Profile id (OB 3.0) and BadgeClass or Profile id (OB 2.0).
    ob3_id: str
    ob2_id: str
    name: str


@dataclass(frozen=True)
class EndorserSettings:
    """Who the network's coordination is, as the configuration names it."""

    network_name: str
    email: str


def endorser_of(
    session: Session,
    keyring: Keyring,
    *,
    actor: User,
    settings: EndorserSettings,
    links: Links,
    now: datetime,
) -> Endorser:
    """Coordinators endorse for the network, counsellors for their agency; nobody else endorses."""
    check_may_endorse(actor)
    if actor.role == Role.COORDINATOR:
        return endorsers.network_endorser(
            session, keyring, name=settings.network_name, email=settings.email, links=links, now=now
        )
    assert actor.agency is not None  # a counsellor of an agency: check_may_endorse refused the others
    return endorsers.agency_endorser(
        session, keyring, agency=actor.agency, email=settings.email, links=links, now=now
    )


def may_endorse(actor: User) -> bool:
    return _refusal(actor) is None


def check_may_endorse(actor: User) -> None:
    """The one rule of who endorses (staff and API alike): the coordination, and the counsellors of an
    agency; anyone else is refused (403), a counsellor without an agency told why."""
    refusal = _refusal(actor)
    if refusal is not None:
        raise NotAllowed(refusal)


def _refusal(actor: User) -> Message | None:
    if actor.role == Role.COORDINATOR:
        return None
    if actor.role == Role.COUNSELLOR:
        return None if actor.agency_id is not None else NO_AGENCY
    return NOT_AN_ENDORSER


def validate(data: dict[str, Any]) -> tuple[str, str, str]:
    fields = Fields(data)
    kind = fields.choice("target", TARGETS)
    target_id = fields.text("id", max_len=100)
    comment = fields.text("comment", max_len=COMMENT_MAX)
    fields.check()
    assert kind is not None
    return kind, target_id, comment


def find_target(session: Session, *, kind: str, target_id: str, links: Links) -> Target:
    """A tiers-lieu by its slug, or a badge class (by its public id: its latest revision) or one revision."""
    if kind == "issuer":
        issuer = session.scalars(select(Issuer).where(Issuer.slug == target_id)).first()
        if issuer is None:
            raise InvalidInput({"id": UNKNOWN_PLACE})
        return Target(
            kind, issuer, None, links.issuer(issuer.slug), links.ob2_issuer(issuer.slug), issuer.name
        )
    badge = session.scalars(select(BadgeClass).where(BadgeClass.public_id == target_id)).first()
    revision = revisions.latest_of(badge) if badge is not None else revisions.by_public_id(session, target_id)
    if revision is None:
        raise InvalidInput({"id": UNKNOWN_BADGE})
    return Target(
        kind,
        None,
        revision,
        links.achievement(revision.public_id),
        links.ob2_badge(revision.public_id),
        revision.name,
    )


def endorse(
    session: Session,
    keyring: Keyring,
    *,
    actor: User,
    data: dict[str, Any],
    settings: EndorserSettings,
    links: Links,
    now: datetime,
) -> Endorsement:
    """Check everything, then sign; nothing is stored when the input or the role is refused."""
    check_may_endorse(actor)
    kind, target_id, comment = validate(data)
    target = find_target(session, kind=kind, target_id=target_id, links=links)
    endorser = endorser_of(session, keyring, actor=actor, settings=settings, links=links, now=now)
    # One endorser's endorsements one at a time: the check below sees what a concurrent one committed.
    endorsers.lock(session, endorser)
    if _active(session, endorser, target) is not None:
        raise InvalidInput({"id": ALREADY})
    row = Endorsement(
        endorser=endorser,
        issuer=target.issuer,
        badge_revision=target.revision,
        comment=comment,
        status_index=_free_index(session, endorser),
        created_by=actor,
        created_at=now,
        ob3_credential="",
    )
    _insert_once(session, row)
    row.ob3_credential = _signed(session, keyring, row=row, target=target, links=links, now=now)
    return row


def _signed(
    session: Session, keyring: Keyring, *, row: Endorsement, target: Target, links: Links, now: datetime
) -> str:
    """The endorsement's OB 3.0 EndorsementCredential, signed by its endorser, as stored."""
    endorser = row.endorser
    unsigned = ob3.endorsement_credential(
        credential_id=links.endorsement(row.public_id),
        endorser=endorsers.profile_data(endorser, links),
        subject_id=target.ob3_id,
        comment=row.comment,
        name=f"{endorser.name} recommande {target.name}",
        valid_from=now,
        status=ob3.status_entry(list_url=links.endorser_status(endorser.slug), index=row.status_index),
    )
    signed = endorsers.sign(session, keyring, endorser=endorser, unsigned=unsigned, links=links, now=now)
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def _insert_once(session: Session, row: Endorsement) -> None:
    """The unique index of active endorsements is the last word: a duplicate that got past the check above
    is told "already", as a sequential one is, never a 500."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise InvalidInput({"id": ALREADY}) from None


def _active(session: Session, endorser: Endorser, target: Target) -> Endorsement | None:
    query = select(Endorsement).where(Endorsement.endorser_id == endorser.id, ACTIVE)
    if target.issuer is not None:
        query = query.where(Endorsement.issuer_id == target.issuer.id)
    else:
        assert target.revision is not None
        query = query.where(Endorsement.badge_revision_id == target.revision.id)
    return session.scalars(query).first()


def _free_index(session: Session, endorser: Endorser) -> int:
    """A random free index, as for badges: neighbours tell nothing (the unique constraint guards)."""
    return status_lists.random_free_index(
        endorser.status_list_size,
        lambda index: (
            session.scalar(
                select(Endorsement.id).where(
                    Endorsement.endorser_id == endorser.id, Endorsement.status_index == index
                )
            )
            is not None
        ),
    )


def own(session: Session, *, actor: User, public_id: str) -> Endorsement:
    """One of the actor's endorser's endorsements; another endorser's is not found (never forbidden)."""
    row = session.scalars(
        select(Endorsement).where(Endorsement.public_id == public_id, given_by(actor))
    ).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def given_by(actor: User) -> ColumnElement[bool]:
    """The endorsements of the actor's endorser: the network's for a coordinator, their agency's else."""
    if actor.role == Role.COORDINATOR:
        mine = select(Endorser.id).where(Endorser.agency_id.is_(None))
    else:
        mine = select(Endorser.id).where(
            Endorser.agency_id == actor.agency_id, Endorser.agency_id.is_not(None)
        )
    return Endorsement.endorser_id.in_(mine.scalar_subquery())


def withdraw(
    session: Session, keyring: Keyring, *, actor: User, public_id: str, links: Links, now: datetime
) -> Endorsement:
    """Revoke: the bit is set in the endorser's list, signed again in the same transaction."""
    check_may_endorse(actor)
    row = own(session, actor=actor, public_id=public_id)
    if row.withdrawn_at is None:
        row.withdrawn_at = now
        session.flush()
        endorsers.sign_status_list(session, keyring, endorser=row.endorser, links=links, now=now)
    return row


def active_for_revision(session: Session, revision: BadgeRevision) -> list[Endorsement]:
    query = select(Endorsement).where(Endorsement.badge_revision_id == revision.id, ACTIVE)
    return list(session.scalars(query.order_by(*IN_ORDER)))


def active_for_issuer(session: Session, issuer: Issuer) -> list[Endorsement]:
    query = select(Endorsement).where(Endorsement.issuer_id == issuer.id, ACTIVE)
    return list(session.scalars(query.order_by(*IN_ORDER)))


def in_force_for_revision(revision_id: Any) -> Select[Any]:
    """The endorsements in force of the revision `revision_id` (a value or a column): what its Achievement
    document lists; the register asks whether there are any in the statement reading a credential."""
    return select(Endorsement.id).where(Endorsement.badge_revision_id == revision_id, ACTIVE)


def _signed_for_revision_query() -> Any:
    """Built once, as the register's entry is: no statement made per call."""
    return (
        select(Endorsement.ob3_credential)
        .join(BadgeRevision, BadgeRevision.id == Endorsement.badge_revision_id)
        .where(BadgeRevision.public_id == bindparam("revision"), ACTIVE)
        .order_by(*IN_ORDER)
    )


_SIGNED_FOR_REVISION = Prepared(_signed_for_revision_query())


def signed_for_revision(rows: Rows, revision_public_id: str) -> list[dict[str, Any]]:
    """The signed endorsements of a revision, as its Achievement document lists them, in one statement
    (the verifier reads them for every badge of ours it checks, issue 17)."""
    return [
        json.loads(value) for value in rows.scalars(_SIGNED_FOR_REVISION, {"revision": revision_public_id})
    ]


def signed(row: Endorsement) -> dict[str, Any]:
    value = json.loads(row.ob3_credential)
    assert isinstance(value, dict)
    return value


def ob2_document(row: Endorsement, links: Links) -> dict[str, Any]:
    """The hosted OB 2.0 Endorsement, or its withdrawn form (served with 410)."""
    endorsement_id = links.ob2_endorsement(row.public_id)
    if row.withdrawn_at is not None:
        return ob2.revoked_endorsement(endorsement_id=endorsement_id)
    if row.issuer is not None:
        claim = links.ob2_issuer(row.issuer.slug)
    else:
        assert row.badge_revision is not None
        claim = links.ob2_badge(row.badge_revision.public_id)
    return ob2.endorsement(
        endorsement_id=endorsement_id,
        endorser_id=links.ob2_endorser(row.endorser.slug),
        claim_id=claim,
        comment=row.comment,
        issued_on=row.created_at,
    )
