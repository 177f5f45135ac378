"""The beneficiary's private page link: a long random-looking token, no password, renewable by staff.

Only the token's SHA-256 is stored, with a random salt. The token is HMAC-SHA256 of the beneficiary's
public id and that salt under a server secret (never in the database): staff can hand out the same link
again (an e-mail per award, a new print) without killing the one the person saved, a copy of the database
alone opens nothing, and renewing (a new salt) makes every earlier copy of the link stop working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import Beneficiary, BeneficiaryLink
from badges.services.credentials.links import Links

PURPOSE = b"badges/beneficiary-link/v1"
# 43 characters of base64url for 256 bits; anything else in the URL is not a token.
TOKEN_LENGTH = 43


def sha256_hex(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def derive_token(secret: bytes, beneficiary: Beneficiary, salt: str) -> str:
    """The token for this person and salt under this secret: without the secret, no one can make it."""
    key = hmac.new(secret, PURPOSE, hashlib.sha256).digest()
    mac = hmac.new(key, f"{beneficiary.public_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def page_url(links: Links, token: str) -> str:
    return f"{links.base}/mes-badges/{token}"


def _link_of(session: Session, beneficiary: Beneficiary) -> BeneficiaryLink | None:
    return session.scalars(
        select(BeneficiaryLink).where(BeneficiaryLink.beneficiary_id == beneficiary.id)
    ).first()


def _set_salt(link: BeneficiaryLink, secret: bytes, beneficiary: Beneficiary, now: datetime) -> str:
    link.salt = secrets.token_hex(16)
    token = derive_token(secret, beneficiary, link.salt)
    link.token_hash = sha256_hex(token)
    link.created_at = now
    return token


def private_token(session: Session, *, beneficiary: Beneficiary, secret: bytes, now: datetime) -> str:
    """The token of the person's page, made on first use; the same one on every later call.

    If the server secret changed since, the stored hash no longer matches and a new link is made.
    """
    link = _link_of(session, beneficiary)
    if link is not None:
        token = derive_token(secret, beneficiary, link.salt)
        if hmac.compare_digest(sha256_hex(token), link.token_hash):
            return token
        return _set_salt(link, secret, beneficiary, now)
    link = BeneficiaryLink(beneficiary_id=beneficiary.id)
    token = _set_salt(link, secret, beneficiary, now)
    try:
        with session.begin_nested():
            session.add(link)
    except IntegrityError:
        # Another request made it first: use theirs, so both hand out the same link.
        if link in session:
            session.expunge(link)
        return private_token(session, beneficiary=beneficiary, secret=secret, now=now)
    return token


def renew(session: Session, *, beneficiary: Beneficiary, secret: bytes, now: datetime) -> str:
    """A new token: every earlier copy of the link stops working at once."""
    link = _link_of(session, beneficiary)
    if link is None:
        return private_token(session, beneficiary=beneficiary, secret=secret, now=now)
    return _set_salt(link, secret, beneficiary, now)


def beneficiary_for(session: Session, token: str) -> Beneficiary | None:
    """The person whose page this token opens, or None (same answer for every bad token)."""
    if len(token) != TOKEN_LENGTH:
        return None
    link = session.scalars(
        select(BeneficiaryLink).where(BeneficiaryLink.token_hash == sha256_hex(token))
    ).first()
    return link.beneficiary if link is not None else None
