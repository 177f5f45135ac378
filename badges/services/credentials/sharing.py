"""Who sees a badge: public or private (the holder's choice), time-limited share links, claim codes.

A private badge keeps its status entry and its signed documents: anyone holding its file (OB 3.0 JSON,
VC-JWT, baked image, signed OB 2.0) still verifies it, because that needs only the issuer's keys and
lists. What disappears is what answers to its address alone: the page, the hosted OB 3.0 JSON, the public
downloads and the hosted OB 2.0 assertion (404, so nothing says the badge exists). A share link, or the
claim code printed on the certificate its holder hands over, still shows it.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Credential, CredentialSharing, ShareLink
from badges.services.credentials.links import Links
from badges.services.shared import throttling
from badges.services.shared.errors import InvalidInput, NotFound, RuleError, TooManyAttempts
from badges.services.shared.messages import N_, Message, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
CHOOSE_VISIBILITY = message("sharing.visibility", N_("Choisissez « public » ou « privé »."))
LABEL_TOO_LONG = message("sharing.label_too_long", N_("Écrivez %(max)s lettres au plus."))
CHOOSE_DURATION = message("sharing.duration", N_("Choisissez une durée dans la liste."))
REVOKED_NOT_SHARED = message("sharing.revoked", N_("Ce badge a été révoqué : il ne peut plus être partagé."))
TOO_MANY_LINKS = message(
    "sharing.too_many_links", N_("Vous avez déjà %(count)s liens. Arrêtez-en un avant d'en créer un autre.")
)
LINK_NOT_FOUND = message("sharing.link_not_found", N_("Ce lien n'existe pas ou il est déjà arrêté."))

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand stays unambiguous.
CLAIM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CLAIM_LENGTH = 12  # 60 bits: guessing one of a million codes takes about 10^12 tries
_READ_AS = str.maketrans("OIL", "011")
_SEPARATORS = re.compile(r"[\s\-–—._]+")
# How long a share link lasts, in months, as the holder picks it ("3" is the default).
DURATIONS = ("1", "3", "6", "12")
DEFAULT_DURATION = "3"
MAX_ACTIVE_LINKS = 20
MAX_LABEL = 60
SHARE_TOKEN_LENGTH = 43
TOO_MANY_CODES = message(
    "claim.too_many_codes",
    N_(
        "Trop de codes inconnus ont été essayés depuis cette connexion. Attendez 15 minutes, "
        "ou vérifiez le badge avec son fichier ou son lien."
    ),
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: three groups of four, easy to read and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(text: str) -> str | None:
    """The stored form of what someone typed (case, spaces and dashes ignored; O read as 0, I and L as 1)."""
    cleaned = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    if len(cleaned) != CLAIM_LENGTH or any(ch not in CLAIM_ALPHABET for ch in cleaned):
        return None
    return cleaned


def _new_code() -> str:
    return "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_LENGTH))


def settings_of(session: Session, credential: Credential) -> CredentialSharing | None:
    return session.scalars(
        select(CredentialSharing).where(CredentialSharing.credential_id == credential.id)
    ).first()


def _alive(credential: Credential) -> None:
    if credential.erased_at is not None or credential.ob3_credential is None:
        raise NotFound(BADGE_NOT_FOUND)


def ensure_settings(session: Session, *, credential: Credential, now: datetime) -> CredentialSharing:
    """The badge's settings row, made on first need with a fresh unique claim code."""
    _alive(credential)
    for _ in range(5):
        found = settings_of(session, credential)
        if found is not None:
            return found
        row = CredentialSharing(
            credential_id=credential.id, private=False, claim_code=_new_code(), created_at=now, updated_at=now
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue  # a concurrent request made the row, or (rarely) the code was taken: look again
        return row
    raise RuntimeError("no claim code could be allocated")


def claim_code(session: Session, *, credential: Credential, now: datetime) -> str:
    return ensure_settings(session, credential=credential, now=now).claim_code


def is_private(session: Session, credential: Credential) -> bool:
    found = settings_of(session, credential)
    return found is not None and found.private


def publicly_visible(session: Session, credential: Credential) -> bool:
    """What the badge's address alone may show: not erased, and not made private by its holder."""
    return (
        credential.erased_at is None
        and credential.ob3_credential is not None
        and not is_private(session, credential)
    )


def set_private(session: Session, *, credential: Credential, value: object, now: datetime) -> None:
    if value not in ("public", "private"):
        raise InvalidInput({"visibilite": CHOOSE_VISIBILITY})
    row = ensure_settings(session, credential=credential, now=now)
    row.private = value == "private"
    row.updated_at = now


def by_claim_code(session: Session, text: str) -> Credential | None:
    """The badge a typed claim code names, erased ones included (the caller says it is gone)."""
    code = normalise_code(text)
    if code is None:
        return None
    row = session.scalars(select(CredentialSharing).where(CredentialSharing.claim_code == code)).first()
    return row.credential if row is not None else None


def guarded_claim_code(session: Session, text: str, *, ip: str, now: datetime) -> Credential | None:
    """by_claim_code for the public pages: an address that tried too many unknown codes lately is
    refused (TooManyAttempts), and every unknown code counts (the caller commits, even on a 404)."""
    if throttling.blocked(session, kind=throttling.CLAIM, email=None, ip=ip, now=now):
        raise TooManyAttempts(TOO_MANY_CODES)
    credential = by_claim_code(session, text)
    if credential is None:
        throttling.record(session, kind=throttling.CLAIM, email=None, ip=ip, now=now)
    return credential


def add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def share_url(links: Links, token: str) -> str:
    return f"{links.base}/partage/{token}"


def _validate_share(data: dict[str, Any]) -> tuple[str, int]:
    label, duration = data.get("label", ""), data.get("duree", DEFAULT_DURATION)
    fields: dict[str, Message] = {}
    if not isinstance(label, str) or len(label.strip()) > MAX_LABEL:
        fields["label"] = LABEL_TOO_LONG(max=MAX_LABEL)
    if duration not in DURATIONS:
        fields["duree"] = CHOOSE_DURATION
    if fields:
        raise InvalidInput(fields)
    return str(label).strip(), int(str(duration))


def active_links(session: Session, *, credential: Credential, now: datetime) -> list[ShareLink]:
    return list(
        session.scalars(
            select(ShareLink)
            .where(
                ShareLink.credential_id == credential.id,
                ShareLink.revoked_at.is_(None),
                ShareLink.expires_at > now,
            )
            .order_by(ShareLink.expires_at, ShareLink.id)
        )
    )


def create_link(
    session: Session, *, credential: Credential, data: dict[str, Any], now: datetime
) -> tuple[ShareLink, str]:
    """A new share link and its token, shown once: only the token's SHA-256 is kept."""
    _alive(credential)
    label, months = _validate_share(data)
    if credential.revoked_at is not None:
        raise RuleError(REVOKED_NOT_SHARED)
    if len(active_links(session, credential=credential, now=now)) >= MAX_ACTIVE_LINKS:
        raise RuleError(TOO_MANY_LINKS(count=MAX_ACTIVE_LINKS))
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        credential_id=credential.id,
        token_hash=_hash(token),
        label=label,
        created_at=now,
        expires_at=add_months(now, months),
    )
    session.add(link)
    session.flush()
    return link, token


def revoke_link(session: Session, *, credential: Credential, public_id: str, now: datetime) -> None:
    link = session.scalars(
        select(ShareLink).where(ShareLink.public_id == public_id, ShareLink.credential_id == credential.id)
    ).first()
    if link is None or link.revoked_at is not None:
        raise NotFound(LINK_NOT_FOUND)
    link.revoked_at = now


def forget_links(session: Session, *, credential: Credential) -> None:
    """On erasure: the share links go (their labels are the holder's words); the claim code stays, so
    a printed certificate's code answers that the badge was erased rather than that it never existed."""
    session.execute(delete(ShareLink).where(ShareLink.credential_id == credential.id))


def shared(session: Session, token: str, *, now: datetime) -> tuple[Credential | None, str]:
    """The badge a share token opens, and "ok", "gone" (stopped, expired or erased) or "unknown"."""
    if len(token) != SHARE_TOKEN_LENGTH:
        return None, "unknown"
    link = session.scalars(select(ShareLink).where(ShareLink.token_hash == _hash(token))).first()
    if link is None:
        return None, "unknown"
    credential = link.credential
    if link.revoked_at is not None or link.expires_at <= now or credential.erased_at is not None:
        return None, "gone"
    return credential, "ok"
