"""Integrity of the stored data: credentials' documents, status slots, signed status lists = revoked sets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.models import Credential, SigningKey, StatusList
from badges.services.credentials import signing_keys
from badges.services.credentials.links import Links
from badges.services.crypto import CryptoError, dataintegrity, statuslist
from badges.services.crypto.multibase import ed25519_from_multibase

# A report names at most this many credentials per problem (the count says the rest).
MAX_NAMED = 10


@dataclass(frozen=True)
class Problem:
    """One mismatch: `subject` names what is wrong (a credential, a list), `message` says how (French)."""

    subject: str
    message: str


@dataclass
class IntegrityReport:
    credentials: int = 0
    lists: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, subject: str, message: str) -> None:
        self.problems.append(Problem(subject, message))


def check(session: Session, *, links: Links) -> IntegrityReport:
    """Every check, read-only; the report lists every mismatch found."""
    report = IntegrityReport()
    _check_documents(session, report)
    _check_slots(session, report)
    for status_list in session.scalars(select(StatusList).order_by(StatusList.id)):
        report.lists += 1
        _check_list(session, status_list, links=links, report=report)
    return report


def _check_documents(session: Session, report: IntegrityReport) -> None:
    """A credential keeps both signed documents until it is erased; an erased one keeps none (PII)."""
    rows = session.execute(
        select(
            Credential.public_id,
            Credential.erased_at,
            Credential.revoked_at,
            Credential.ob2_assertion.is_not(None),
            Credential.ob3_credential.is_not(None),
        )
    )
    for public_id, erased_at, revoked_at, has_ob2, has_ob3 in rows:
        report.credentials += 1
        subject = f"badge {public_id}"
        if erased_at is None and not (has_ob2 and has_ob3):
            report.add(
                subject, "document signé manquant (OB 2.0 ou OB 3.0) alors que le badge n'est pas effacé."
            )
        if erased_at is not None and (has_ob2 or has_ob3 or revoked_at is None):
            report.add(subject, "badge effacé qui garde un document ou n'est pas révoqué.")


def _check_slots(session: Session, report: IntegrityReport) -> None:
    """Each credential has its own index, inside its list."""
    shared = session.execute(
        select(StatusList.id, StatusList.number, Credential.status_index, func.count(Credential.id))
        .join(StatusList, Credential.status_list_id == StatusList.id)
        .group_by(StatusList.id, StatusList.number, Credential.status_index)
        .having(func.count(Credential.id) > 1)
    )
    for list_id, number, index, count in shared:
        report.add(f"liste {list_id} (n° {number})", f"l'index {index} est attribué à {count} badges.")
    outside = session.scalars(
        select(Credential.public_id)
        .join(StatusList, Credential.status_list_id == StatusList.id)
        .where((Credential.status_index < 0) | (Credential.status_index >= StatusList.size))
    )
    for public_id in outside:
        report.add(f"badge {public_id}", "index de statut hors de sa liste.")


def _check_list(session: Session, status_list: StatusList, *, links: Links, report: IntegrityReport) -> None:
    subject = f"liste {links.status_list(status_list.issuer.slug, status_list.number)}"
    try:
        document = json.loads(status_list.signed_credential or "")
        _verify_signature(session, status_list, document, links=links)
        bits = statuslist.decode(document["credentialSubject"]["encodedList"])
    except (ValueError, KeyError, TypeError, CryptoError) as exc:
        report.add(subject, f"liste signée illisible ou invalide : {_reason(exc)}")
        return
    revoked = dict(
        session.execute(
            select(Credential.status_index, Credential.public_id).where(
                Credential.status_list_id == status_list.id, Credential.revoked_at.is_not(None)
            )
        ).all()
    )
    published = _set_indexes(bits)
    missing = sorted(revoked[index] for index in set(revoked) - published)
    if missing:
        report.add(
            subject, f"{len(missing)} badge(s) révoqué(s) dont le bit n'est pas publié : {_names(missing)}"
        )
    extra = sorted(published - set(revoked))
    if extra:
        report.add(subject, f"{len(extra)} bit(s) publié(s) sans badge révoqué : index {_names(extra)}")


def _verify_signature(session: Session, status_list: StatusList, document: Any, *, links: Links) -> None:
    """The proof verifies with an Ed25519 key of the list's issuer, not compromised when it signed."""
    issuer = status_list.issuer
    if not isinstance(document, dict) or document.get("issuer") != links.issuer(issuer.slug):
        raise ValueError("la liste n'est pas émise par son tiers-lieu")
    keys = signing_keys.published_keys(session, issuer=issuer, algorithm=signing_keys.ED25519)
    by_method = {links.ed25519_method(issuer.slug, key.public_id): key for key in keys}

    def resolve(method: str) -> bytes:
        key = by_method.get(method)
        if key is None or key.public_multibase is None:
            raise CryptoError("unknown_key", "la clé de signature n'est pas une clé du tiers-lieu")
        return ed25519_from_multibase(key.public_multibase)

    proof = dataintegrity.verify(document, resolve_key=resolve)
    _check_not_compromised(by_method[proof["verificationMethod"]], proof)


def _check_not_compromised(key: SigningKey, proof: dict[str, Any]) -> None:
    created = datetime.fromisoformat(str(proof.get("created")).replace("Z", "+00:00"))
    if key.compromised_at is not None and created >= key.compromised_at:
        raise ValueError("signée par une clé compromise")


def _set_indexes(bits: bytes) -> set[int]:
    return {
        position * 8 + offset
        for position, byte in enumerate(bits)
        if byte
        for offset in range(8)
        if byte & (0x80 >> offset)
    }


def _names(items: list[Any]) -> str:
    shown = ", ".join(str(item) for item in items[:MAX_NAMED])
    return shown + (f" (et {len(items) - MAX_NAMED} autres)" if len(items) > MAX_NAMED else "")


def _reason(exc: Exception) -> str:
    if isinstance(exc, CryptoError):
        return "la signature ne se vérifie pas avec les clés du tiers-lieu"
    if isinstance(exc, (KeyError, TypeError)):
        return "document incomplet"
    return str(exc)
