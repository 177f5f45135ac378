"""Lifecycle of issuer signing keys: creation, the signing key in force, rotation, compromise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Issuer, SigningKey
from badges.models.base import new_public_id
from badges.services.crypto.keyring import Keyring
from badges.services.shared import lookup
from badges.services.shared.errors import RuleError
from badges.services.shared.messages import N_, message

NO_USABLE_KEY = message(
    "key.none_usable",
    N_("L'émetteur %(issuer)s n'a pas de clé %(algorithm)s utilisable : faites une rotation."),
)
UNKNOWN_KEY = message("key.unknown", N_("Clé inconnue."))
COMPROMISED_IN_FUTURE = message(
    "key.compromised_in_future", N_("La date de compromission ne peut pas être dans le futur.")
)

ED25519 = "Ed25519"
RSA = "RSA"
ALGORITHMS = (ED25519, RSA)


def create_key(
    session: Session, keyring: Keyring, *, issuer: Issuer, algorithm: str, now: datetime
) -> SigningKey:
    """Generate a key pair: the private half goes to keys/, the public half to the database."""
    public_id = new_public_id()
    info = keyring.generate(algorithm, public_id)  # type: ignore[arg-type]
    key = SigningKey(
        public_id=public_id,
        issuer=issuer,
        algorithm=algorithm,
        public_pem=info.public_pem,
        public_multibase=info.multibase,
        created_at=now,
    )
    session.add(key)
    return key


def signing_key(session: Session, *, issuer: Issuer, algorithm: str) -> SigningKey:
    """The newest key of that algorithm that is neither retired nor compromised."""
    key = session.scalars(
        select(SigningKey)
        .where(
            SigningKey.issuer_id == issuer.id,
            SigningKey.algorithm == algorithm,
            SigningKey.retired_at.is_(None),
            SigningKey.compromised_at.is_(None),
        )
        .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
    ).first()
    if key is None:
        raise RuleError(NO_USABLE_KEY(issuer=issuer.slug, algorithm=algorithm))
    return key


def published_keys(session: Session, *, issuer: Issuer, algorithm: str | None = None) -> list[SigningKey]:
    """Every key ever used by the issuer: they keep verifying earlier credentials after rotation."""
    query = select(SigningKey).where(SigningKey.issuer_id == issuer.id)
    if algorithm is not None:
        query = query.where(SigningKey.algorithm == algorithm)
    return list(session.scalars(query.order_by(SigningKey.created_at, SigningKey.id)))


def key_by_public_id(session: Session, public_id: str, *, issuer_ids: list[int] | None = None) -> SigningKey:
    """A key of one of these tiers-lieux (None: any, for the command line); another's is unknown."""
    return lookup.find_owned(
        session,
        SigningKey,
        public_id,
        owner=SigningKey.issuer_id,
        issuer_ids=issuer_ids,
        message=UNKNOWN_KEY,
    )


def rotate(session: Session, keyring: Keyring, *, issuer: Issuer, now: datetime) -> list[SigningKey]:
    """Retire the keys in force and create new ones; earlier credentials keep verifying."""
    for key in published_keys(session, issuer=issuer):
        if key.retired_at is None:
            key.retired_at = now
    return [create_key(session, keyring, issuer=issuer, algorithm=alg, now=now) for alg in ALGORITHMS]


def mark_compromised(key: SigningKey, *, since: datetime, now: datetime) -> None:
    """Distrust every signature made with the key from `since` on; the key stops signing."""
    if since > now:
        raise RuleError(COMPROMISED_IN_FUTURE)
    key.compromised_at = since
    if key.retired_at is None:
        key.retired_at = now
