"""Staff sign-in: authentication, the password policy, invitations and reset links (signed, single use).

A link token is signed with the server secret (itsdangerous) and carries the account's public id, the time
it was made and a stamp of the current password hash: once the password is set or changed, every earlier
link of that account stops working, so each link serves once. Lifetimes are checked against `now`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from badges.models import Agency, Issuer, Role, User
from badges.services.accounts import staff_sessions, users
from badges.services.shared import throttling
from badges.services.shared.errors import InvalidInput, NotFound, ServiceError, TooManyAttempts
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import Fields

# CNIL recommendation (délibération 2022-100): 12 characters at least when attempts are throttled.
PASSWORD_MIN = 12
# argon2 hashes anything, but a huge input only costs CPU.
PASSWORD_MAX = 200
INVITATION = "invitation"
RESET = "reset"
LIFETIMES = {INVITATION: timedelta(days=7), RESET: timedelta(hours=1)}
# Tolerated clock difference between workers for a link "made in the future".
SKEW = timedelta(minutes=5)

BAD_CREDENTIALS = message("sign_in.bad_credentials", N_("Adresse e-mail ou mot de passe incorrect."))
TOO_MANY = message(
    "sign_in.too_many",
    N_(
        "Trop d'essais de connexion pour ce compte ou depuis cet appareil. Attendez 15 minutes, "
        "ou demandez un nouveau mot de passe."
    ),
)
LINK_INVALID = message(
    "link.invalid",
    N_("Ce lien n'est pas valable : il est incomplet ou a été modifié. Copiez-le en entier depuis l'e-mail."),
)
LINK_EXPIRED = message("link.expired", N_("Ce lien a expiré. Demandez un nouveau lien."))
LINK_USED = message(
    "link.used",
    N_("Ce lien a déjà servi. Connectez-vous avec votre mot de passe, ou demandez un nouveau lien."),
)
EMAIL_MISSING = message("sign_in.email_missing", N_("Indiquez votre adresse e-mail."))
PASSWORD_MISSING = message("sign_in.password_missing", N_("Indiquez votre mot de passe."))
CHOOSE_PASSWORD = message("password.missing", N_("Choisissez un mot de passe."))
PASSWORD_TOO_SHORT = message(
    "password.too_short", N_("Le mot de passe doit avoir au moins %(min)s caractères.")
)
PASSWORD_TOO_LONG = message("password.too_long", N_("Le mot de passe dépasse %(max)s caractères."))
PASSWORD_IS_EMAIL = message("password.is_email", N_("Le mot de passe ne peut pas être votre adresse e-mail."))
PASSWORDS_DIFFER = message("password.differ", N_("Les deux mots de passe ne sont pas identiques."))
WRONG_CURRENT = message("password.wrong_current", N_("Le mot de passe actuel est incorrect."))
STAFF_NEEDS_ISSUER = message(
    "account.staff_needs_issuer", N_("Un membre d'équipe est rattaché à un tiers-lieu.")
)
COUNSELLOR_NEEDS_AGENCY = message(
    "account.counsellor_needs_agency", N_("Un conseiller ou une conseillère est rattaché à une agence.")
)
COORDINATION_ALONE = message(
    "account.coordination_alone", N_("La coordination n'est rattachée ni à un tiers-lieu ni à une agence.")
)
EMAIL_TAKEN = message("account.email_taken", N_("Un compte existe déjà avec cette adresse."))
ACCOUNT_NOT_FOUND = message("account.not_found", N_("Compte introuvable."))


class SignInRefused(ServiceError):
    """Wrong e-mail or password, or a disabled account: one message for all, so nothing leaks."""


class LinkRefused(ServiceError):
    """An invitation or reset link that cannot be used (tampered, expired or already used)."""


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()


@functools.cache
def _dummy_hash() -> str:
    return users.hash_password("not a real password, only for timing")


def begin_sign_in(session: Session, *, email: str, password: str, ip: str, now: datetime) -> None:
    """Check the form, then count the attempt; the caller commits before `check_credentials`.

    Counting first, atomically (throttling.reserve), is what holds the limit under parallel attempts: a
    count read before a slow password check lets every parallel attempt through.
    """
    fields: dict[str, Message] = {}
    if not email.strip():
        fields["email"] = EMAIL_MISSING
    if not password:
        fields["password"] = PASSWORD_MISSING
    if fields:
        raise InvalidInput(fields)
    if not throttling.reserve(session, kind=throttling.LOGIN, email=email, ip=ip, now=now):
        raise TooManyAttempts(TOO_MANY)


def check_credentials(session: Session, *, email: str, password: str) -> User:
    """The account for these credentials (its attempts are then forgotten), or SignInRefused."""
    user = find_by_email(session, email)
    if user is None or not user.is_active or user.password_hash is None:
        # An unknown or unusable account costs the same argon2 check: timing does not tell it apart.
        users.check_password(User(password_hash=_dummy_hash()), password)
        raise SignInRefused(BAD_CREDENTIALS)
    if not users.check_password(user, password):
        raise SignInRefused(BAD_CREDENTIALS)
    throttling.forget(session, kind=throttling.LOGIN, email=email)
    return user


def validate_new_password(password: object, confirm: object, *, email: str) -> str:
    """The new password, or InvalidInput naming the first rule it breaks."""
    if not isinstance(password, str) or not password:
        raise InvalidInput({"password": CHOOSE_PASSWORD})
    if len(password) < PASSWORD_MIN:
        raise InvalidInput({"password": PASSWORD_TOO_SHORT(min=PASSWORD_MIN)})
    if len(password) > PASSWORD_MAX:
        raise InvalidInput({"password": PASSWORD_TOO_LONG(max=PASSWORD_MAX)})
    if password.strip().lower() == email.lower():
        raise InvalidInput({"password": PASSWORD_IS_EMAIL})
    if confirm != password:
        raise InvalidInput({"confirm": PASSWORDS_DIFFER})
    return password


def set_password(session: Session, *, user: User, password: object, confirm: object, now: datetime) -> None:
    """Set a new password; every session and every link made before stops working."""
    user.password_hash = users.hash_password(validate_new_password(password, confirm, email=user.email))
    staff_sessions.end_all(session, user=user, now=now)


def begin_password_change(session: Session, *, user: User, ip: str, now: datetime) -> None:
    """Count the attempt before the current password is checked, as at sign-in (the caller commits)."""
    if not throttling.reserve(session, kind=throttling.LOGIN, email=user.email, ip=ip, now=now):
        raise TooManyAttempts(TOO_MANY)


def change_password(
    session: Session, *, user: User, current: str, password: object, confirm: object, now: datetime
) -> None:
    """A signed-in person changes their password; the current one is required (and was counted)."""
    if not users.check_password(user, current):
        raise InvalidInput({"current": WRONG_CURRENT})
    throttling.forget(session, kind=throttling.LOGIN, email=user.email)
    set_password(session, user=user, password=password, confirm=confirm, now=now)


def disable(session: Session, *, user: User, now: datetime) -> None:
    """The coordination disables an account: its sessions end and its API tokens stop, at once."""
    user.is_active = False
    staff_sessions.end_all(session, user=user, now=now)
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now


def password_stamp(user: User) -> str:
    """Changes whenever the password does (and when a first password is set)."""
    return hashlib.sha256((user.password_hash or "").encode("utf-8")).hexdigest()[:16]


def link_serializer(secret: str, purpose: str) -> URLSafeSerializer:
    """What signs and reads the links of one purpose: a token of another purpose never verifies."""
    return URLSafeSerializer(secret, salt=f"badges.staff.{purpose}")


def link_token(secret: str, *, user: User, purpose: str, now: datetime) -> str:
    """The token of an invitation or a reset link for this account, made at `now`."""
    payload = {"u": user.public_id, "s": password_stamp(user), "t": int(now.timestamp())}
    return link_serializer(secret, purpose).dumps(payload)


def _payload(secret: str, token: str, purpose: str) -> tuple[str, str, datetime]:
    try:
        data: Any = link_serializer(secret, purpose).loads(token)
    except BadSignature as exc:
        raise LinkRefused(LINK_INVALID) from exc
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), t) for k, t in (("u", str), ("s", str), ("t", int))
    ):
        raise LinkRefused(LINK_INVALID)
    return data["u"], data["s"], datetime.fromtimestamp(data["t"], UTC)


def user_for_link(session: Session, secret: str, *, token: str, purpose: str, now: datetime) -> User:
    """The account a link opens, or LinkRefused saying why (tampered, expired, already used)."""
    public_id, stamp, made_at = _payload(secret, token, purpose)
    if made_at > now + SKEW or now - made_at > LIFETIMES[purpose]:
        raise LinkRefused(LINK_EXPIRED)
    user = session.scalars(select(User).where(User.public_id == public_id)).first()
    if user is None or not user.is_active:
        raise LinkRefused(LINK_INVALID)
    if not hmac.compare_digest(stamp, password_stamp(user)):
        raise LinkRefused(LINK_USED)
    return user


def _check_place(role: str, issuer: Issuer | None, agency: Agency | None) -> None:
    if role == Role.STAFF and issuer is None:
        raise InvalidInput({"issuer": STAFF_NEEDS_ISSUER})
    if role == Role.COUNSELLOR and agency is None:
        raise InvalidInput({"agency": COUNSELLOR_NEEDS_AGENCY})
    if role == Role.COORDINATOR and (issuer is not None or agency is not None):
        raise InvalidInput({"role": COORDINATION_ALONE})


def check_invitation(data: Mapping[str, Any]) -> tuple[str, str, str]:
    """The e-mail, name and role of an invitation, or InvalidInput with a message per field."""
    fields = Fields(dict(data))
    email = fields.email("email") or ""
    name = fields.text("name", max_len=200)
    role = fields.choice("role", tuple(r.value for r in Role)) or ""
    fields.check()
    return email, name, role


def invite(
    session: Session,
    *,
    data: Mapping[str, Any],
    issuer: Issuer | None,
    agency: Agency | None = None,
    now: datetime,
) -> User:
    """An account without password, to be activated by the invitation link.

    Inviting again someone who has not chosen a password yet gives a new link to the same account.
    """
    email, name, role = check_invitation(data)
    _check_place(role, issuer, agency)
    existing = find_by_email(session, email)
    if existing is not None:
        same_place = (existing.role, existing.issuer_id, existing.agency_id) == (
            role,
            issuer.id if issuer else None,
            agency.id if agency else None,
        )
        if existing.password_hash is None and existing.is_active and same_place:
            return existing
        raise InvalidInput({"email": EMAIL_TAKEN})
    user = users.create_user(
        session, email=email, name=name, role=Role(role), issuer=issuer, password=None, now=now
    )
    user.agency = agency
    return user


def account_state(user: User) -> str:
    """ "active", "pending" (invited, no password chosen yet) or "inactive"."""
    if not user.is_active:
        return "inactive"
    return "pending" if user.password_hash is None else "active"


class Member(TypedDict):
    """An account as the coordination's screens list it."""

    id: str
    name: str
    email: str
    state: str


def team(session: Session, issuer: Issuer) -> list[Member]:
    """The tiers-lieu's accounts, for the coordination: who is active, who has not answered yet."""
    return _accounts(session, User.issuer_id == issuer.id)


def agency_team(session: Session, agency: Agency) -> list[Member]:
    """The partner agency's counsellors, the same way."""
    return _accounts(session, User.agency_id == agency.id)


def _accounts(session: Session, where: ColumnElement[bool]) -> list[Member]:
    members = session.scalars(select(User).where(where).order_by(User.name, User.id))
    return [
        {"id": user.public_id, "name": user.name, "email": user.email, "state": account_state(user)}
        for user in members
    ]


def team_member(session: Session, public_id: str) -> User:
    """An account of a tiers-lieu team or of a partner agency (what the coordination manages), or NotFound."""
    user = session.scalars(select(User).where(User.public_id == public_id)).first()
    if user is None or user.role == Role.COORDINATOR:
        raise NotFound(ACCOUNT_NOT_FOUND)
    return user
