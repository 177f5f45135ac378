"""Revocation and erasure: every form of an award is reached at once (status list, RevocationList, 410)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from badges.models import BoundCredential, Credential, CredentialBasis, Oid4vciOffer, StatusList, WalletOffer
from badges.services.credentials import sharing, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.shared.errors import Conflict, InvalidInput, NotFound
from badges.services.shared.messages import N_, message

REASON_MISSING = message("revocation.reason_missing", N_("Indiquez la raison de la révocation."))
REASON_TOO_LONG = message("revocation.reason_too_long", N_("La raison dépasse 300 caractères."))
ALREADY_REVOKED = message("revocation.already_revoked", N_("Ce badge est déjà révoqué."))
BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))

# Given to an award resting on a revoked one (a pathway badge on its component badges).
BASIS_REVOKED = "Un badge sur lequel ce badge repose a été révoqué."
# The PII-free reason kept when a badge is erased at its holder's request (docs/domain.md#D-gdpr-erasure).
ERASURE_REASON = "Badge effacé à la demande de son titulaire."


def validate_reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput({"reason": REASON_MISSING})
    if len(reason.strip()) > 300:
        raise InvalidInput({"reason": REASON_TOO_LONG})
    return reason.strip()


def revoke(
    session: Session, keyring: Keyring, *, credential: Credential, reason: object, links: Links, now: datetime
) -> None:
    """Revoke for good: the status bit is set and the list re-signed in the same transaction."""
    _lock_and_refresh(session, credential)
    if credential.revoked_at is not None:
        raise Conflict(ALREADY_REVOKED)
    credential.revocation_reason = validate_reason(reason)
    credential.revoked_at = now
    session.flush()
    lists = {
        credential.status_list_id: credential.status_list,
        **_revoke_resting_on(session, credential, now),
    }
    for status_list in lists.values():
        status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)


def _revoke_resting_on(session: Session, basis: Credential, now: datetime) -> dict[int, StatusList]:
    """Revoke the awards resting on `basis` (a pathway badge on a component): their lists, to sign again."""
    resting = session.scalars(
        select(Credential)
        .join(CredentialBasis, CredentialBasis.credential_id == Credential.id)
        .where(CredentialBasis.basis_id == basis.id, Credential.revoked_at.is_(None))
        .order_by(Credential.id)
    ).all()
    lists: dict[int, StatusList] = {}
    for credential in resting:
        _lock_and_refresh(session, credential)
        if credential.revoked_at is None:
            credential.revoked_at, credential.revocation_reason = now, BASIS_REVOKED
            lists[credential.status_list_id] = credential.status_list
    session.flush()
    return lists


def erase(session: Session, keyring: Keyring, *, credential: Credential, links: Links, now: datetime) -> None:
    """Delete the documents and the link to the person; keep only a revocation entry without PII."""
    _lock_and_refresh(session, credential)
    if credential.erased_at is not None:
        raise NotFound(BADGE_NOT_FOUND)
    if credential.revoked_at is None:
        credential.revoked_at = now
    # The staff's reason may name the person or the situation: replace it by a neutral one.
    credential.revocation_reason = ERASURE_REASON
    credential.erased_at = now
    credential.beneficiary_id = None
    credential.ob2_assertion = credential.ob3_credential = None
    credential.ob2_signed = credential.ob3_jwt = None
    credential.ob3_hash_data = credential.ob3_hash_source = None
    # The wallet forms name the holder's DID and carry the same content: they go too, with the offers of
    # both protocols (issue 15; an OpenID4VCI offer's tokens and nonces go with it, ON DELETE CASCADE).
    session.execute(delete(WalletOffer).where(WalletOffer.credential_id == credential.id))
    session.execute(delete(Oid4vciOffer).where(Oid4vciOffer.credential_id == credential.id))
    session.execute(delete(BoundCredential).where(BoundCredential.credential_id == credential.id))
    sharing.forget_links(session, credential=credential)
    session.flush()
    lists = {
        credential.status_list_id: credential.status_list,
        **_revoke_resting_on(session, credential, now),
    }
    for status_list in lists.values():
        status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)


def _lock_and_refresh(session: Session, credential: Credential) -> None:
    """Lock the credential's list, then re-read the credential: a concurrent revocation or erasure of the
    same badge, committed while this one waited, is seen (409/404) instead of being overwritten."""
    status_lists.lock(session, credential.status_list_id)
    session.refresh(credential)


def resign_issuer_lists(
    session: Session, keyring: Keyring, *, issuer_id: int, links: Links, now: datetime
) -> None:
    """After a key change (compromise), every list of the issuer is signed again with the key in force."""
    # Always the same order, so two key changes of one issuer lock its lists without a deadlock.
    query = select(StatusList).where(StatusList.issuer_id == issuer_id).order_by(StatusList.id)
    for status_list in session.scalars(query).all():
        status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)


def issuer_list_ids(session: Session, *, issuer_id: int) -> list[int]:
    """The issuer's status lists, in the order they are locked when signed again."""
    query = select(StatusList.id).where(StatusList.issuer_id == issuer_id).order_by(StatusList.id)
    return list(session.scalars(query))


def resign_if_stale(
    session: Session, keyring: Keyring, *, status_list_id: int, links: Links, now: datetime
) -> bool:
    """Sign the list again unless it is already signed by the issuer's Ed25519 key in force (a re-signing
    job run twice, or a revocation since, signed it). True when it was signed here."""
    status_list = status_lists.lock(session, status_list_id)
    if status_lists.signed_with_key_in_force(session, status_list, links=links):
        return False
    status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)
    return True
