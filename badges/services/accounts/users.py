"""Staff accounts and API tokens: tokens are shown once and stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import ApiToken, Issuer, Role, User
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, message
from badges.services.shared.validation import BAD_EMAIL, EMAIL_RE

EMAIL_TAKEN = message("account.email_taken", N_("Un compte existe déjà avec cette adresse."))
STAFF_NEEDS_ISSUER = message(
    "account.staff_needs_issuer", N_("Un membre d'équipe est rattaché à un tiers-lieu.")
)

_hasher = PasswordHasher()
TOKEN_PREFIX = "bdg_"
LAST_USED_PRECISION = timedelta(minutes=1)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role,
    issuer: Issuer | None,
    password: str | None,
    now: datetime,
) -> User:
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise InvalidInput({"email": BAD_EMAIL})
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput({"email": EMAIL_TAKEN})
    if role == Role.STAFF and issuer is None:
        raise InvalidInput({"issuer": STAFF_NEEDS_ISSUER})
    user = User(
        email=email,
        name=name,
        role=role.value,
        issuer=issuer,
        created_at=now,
        password_hash=_hasher.hash(password) if password else None,
    )
    session.add(user)
    return user


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, user: User, label: str, now: datetime) -> str:
    """Return the new token in clear text: the only time it can be seen."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=token_hash(token), label=label[:100], created_at=now))
    return token


def user_for_token(session: Session, token: str, *, now: datetime) -> User | None:
    found = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
    ).first()
    if found is None or not found.user.is_active:
        return None
    # Written at most once a minute: a write per request would serialise concurrent requests on the row.
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
        found.last_used_at = now
    return found.user


def hash_password(password: str) -> str:
    """The argon2id hash stored for a password (policy: accounts/staff_accounts.py)."""
    return _hasher.hash(password)
