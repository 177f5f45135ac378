"""Closing a pathway, and the questionnaires that evaluate the approach (the agency side, the tiers-lieu).

Each questionnaire is answered through a link whose token is an HMAC of its public id under the link
secret: staff can show the same link again (no e-mail server), a copy of the database alone opens nothing
(only the token's SHA-256 is stored).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Pathway, PathwayClosure, Questionnaire, User
from badges.models.base import new_public_id
from badges.services.shared.errors import Conflict, NotFound
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import Fields

ALREADY_CLOSED = message("pathway.already_closed", N_("Ce parcours est déjà clos."))
QUESTIONNAIRE_NOT_FOUND = message(
    "questionnaire.not_found", N_("Ce lien ne marche pas. Demandez un nouveau lien au tiers-lieu.")
)
PURPOSE = b"badges/questionnaire/v1"
AGENCY, TIERS_LIEU = "agence", "tiers_lieu"
RESPONDENTS = (AGENCY, TIERS_LIEU)
# The scales, from 1 (pas du tout) to 4 (tout à fait); free texts are optional.
SCALES = ("satisfaction", "collaboration", "usefulness")
TEXTS = ("went_well", "to_improve")
SCALE_VALUES = ("1", "2", "3", "4")


@dataclass(frozen=True)
class Invitation:
    """A questionnaire just made: where its link goes (None: staff hand it over) and its token."""

    questionnaire: Questionnaire
    email: str | None
    token: str


def token_for(secret: bytes, questionnaire: Questionnaire) -> str:
    key = hmac.new(secret, PURPOSE, hashlib.sha256).digest()
    mac = hmac.new(key, questionnaire.public_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def closure_of(session: Session, pathway: Pathway) -> PathwayClosure | None:
    return session.get(PathwayClosure, pathway.id)


def questionnaires_of(session: Session, pathway: Pathway) -> list[Questionnaire]:
    return list(
        session.scalars(
            select(Questionnaire)
            .where(Questionnaire.pathway_id == pathway.id)
            .order_by(Questionnaire.respondent)
        )
    )


def _recipients(pathway: Pathway) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    if pathway.agency_id is not None:
        found.append((AGENCY, pathway.counsellor.email if pathway.counsellor else None))
    found.append((TIERS_LIEU, pathway.issuer.email or None))
    return found


def close_pathway(
    session: Session, *, pathway: Pathway, by: User, secret: bytes, now: datetime
) -> list[Invitation]:
    """Close the pathway and make its questionnaires (the agency's only when it has one)."""
    if closure_of(session, pathway) is not None:
        raise Conflict(ALREADY_CLOSED)
    try:
        with session.begin_nested():  # two staff members closing at once: the second is told, not a 500
            session.add(PathwayClosure(pathway_id=pathway.id, closed_at=now, closed_by_id=by.id))
    except IntegrityError:
        raise Conflict(ALREADY_CLOSED) from None
    invitations = []
    for respondent, email in _recipients(pathway):
        questionnaire = Questionnaire(
            public_id=new_public_id(), pathway=pathway, respondent=respondent, email=email, sent_at=now
        )
        token = token_for(secret, questionnaire)
        questionnaire.token_hash = _hash(token)
        session.add(questionnaire)
        invitations.append(Invitation(questionnaire, email, token))
    return invitations


def links_of(session: Session, *, pathway: Pathway, secret: bytes) -> list[Invitation]:
    """The questionnaires' links again, for staff to hand over (a link whose secret changed is dropped)."""
    found = []
    for questionnaire in questionnaires_of(session, pathway):
        token = token_for(secret, questionnaire)
        if hmac.compare_digest(_hash(token), questionnaire.token_hash):
            found.append(Invitation(questionnaire, questionnaire.email, token))
    return found


def by_token(session: Session, token: str) -> Questionnaire:
    if not isinstance(token, str) or len(token) != 43:
        raise NotFound(QUESTIONNAIRE_NOT_FOUND)
    found = session.scalars(select(Questionnaire).where(Questionnaire.token_hash == _hash(token))).first()
    if found is None:
        raise NotFound(QUESTIONNAIRE_NOT_FOUND)
    return found


def answer(session: Session, *, questionnaire: Questionnaire, data: dict[str, Any], now: datetime) -> None:
    """Record the answers (again, if the partner changes them): every scale chosen, the texts optional."""
    fields = Fields(data)
    scales = {name: fields.choice(name, SCALE_VALUES) for name in SCALES}
    texts = {name: fields.text(name, max_len=2000, required=False) for name in TEXTS}
    fields.check()
    for name, value in scales.items():
        setattr(questionnaire, name, int(value or 0))
    for name, text in texts.items():
        setattr(questionnaire, name, text)
    questionnaire.answered_at = now
