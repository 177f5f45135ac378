"""Status of OB 3.0 credentials: Bitstring Status List entries and 1EdTech revocation lists.

See docs/standards.md#S-status-list.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from badges.services.crypto import CryptoError, dataintegrity, statuslist
from badges.services.verification.common import as_list, issuer_id, obj, parse_created
from badges.services.verification.key_resolution import KeyResolutionError, resolve_ed25519
from badges.services.verification.report import Report
from badges.services.verification.sources import FetchError, Source, get_json

BITSTRING = "BitstringStatusListEntry"
REVOCATION_LIST = "1EdTechRevocationList"
# Purposes whose set bit makes the credential invalid; "refresh" and "message" only inform
# (docs/standards.md#S-status-list, Bitstring Status List §2.1).
BLOCKING_PURPOSES = {"revocation": "révoqué", "suspension": "suspendu"}


# Status lists whose proof verified, by (sha256 of the document, public key): a bounded LRU.
MAX_VERIFIED_LISTS = 256
_VERIFIED_LISTS: OrderedDict[tuple[str, bytes], None] = OrderedDict()
_VERIFIED_LOCK = threading.Lock()


class _Revoked(Exception):
    """The credential is revoked or suspended; the message is the French verdict, `reason` the issuer's."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason


def check_status(
    doc: dict[str, Any], *, issuer_id: str, source: Source, now: datetime, report: Report
) -> None:
    entries = [e for e in as_list(doc.get("credentialStatus")) if isinstance(e, dict)]
    if not entries:
        report.ok("status", "Aucune liste de révocation déclarée : l'émetteur ne peut pas révoquer ce badge.")
        return
    checked: list[tuple[str, str]] = []
    for entry in entries:
        try:
            checked += _check_entry(entry, doc, issuer=issuer_id, source=source)
        except _Revoked as exc:
            report.revoked(str(exc), reason=exc.reason)
            return
        except (FetchError, KeyResolutionError, ValueError, CryptoError) as exc:
            # The list could not be read or trusted: the badge's status is unknown, not revoked.
            cause = (
                exc.cause if isinstance(exc, (FetchError, KeyResolutionError)) and exc.cause else "unreadable"
            )
            report.fail("status", f"Impossible de vérifier la révocation : {_message(exc)}", cause=cause)
            return
    if not checked:
        report.ok("status", "Aucun statut de révocation ou de suspension déclaré par l'émetteur.")
        return
    words = set(word for word, _ in checked)
    verdict = "Ni révoqué ni suspendu" if len(words) > 1 else f"Non {words.pop()}"
    report.ok("status", f"{verdict} ({' ; '.join(dict.fromkeys(how for _, how in checked))}).")


def _check_entry(
    entry: dict[str, Any], doc: dict[str, Any], *, issuer: str, source: Source
) -> list[tuple[str, str]]:
    """(what was ruled out, how) pairs in French; raises _Revoked when the credential no longer holds."""
    kind = entry.get("type")
    if kind == BITSTRING:
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str):
            raise ValueError("entrée de statut sans statusPurpose.")
        if purpose not in BLOCKING_PURPOSES:
            return []
        if _bit(entry, purpose=purpose, issuer=issuer, source=source):
            raise _Revoked(f"Ce badge a été {BLOCKING_PURPOSES[purpose]} par son émetteur.")
        return [(BLOCKING_PURPOSES[purpose], "liste de statut signée par l'émetteur vérifiée")]
    if kind == REVOCATION_LIST:
        _check_revocation_list(entry, doc, issuer=issuer, source=source)
        return [("révoqué", "liste de révocation 1EdTech de l'émetteur consultée")]
    raise ValueError(f"type de statut non pris en charge : {kind}.")


def _message(exc: Exception) -> str:
    if isinstance(exc, CryptoError):
        return "la signature de la liste de statut est invalide."
    return str(exc)


def _bit(entry: dict[str, Any], *, purpose: str, issuer: str, source: Source) -> bool:
    url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
        raise ValueError("entrée de statut mal formée.")
    if entry.get("statusSize", 1) not in (1, "1"):
        raise ValueError("taille de statut non prise en charge (statusSize doit valoir 1).")
    status_doc = get_json(source, url)
    if issuer_id(status_doc) != issuer:
        raise ValueError("la liste de statut n'est pas publiée par l'émetteur du badge.")
    _verify_list_signature(status_doc, issuer=issuer, source=source)
    subject = status_doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
        raise ValueError("la liste de statut n'a pas le même usage que l'entrée.")
    return statuslist.is_set(_decoded(str(subject.get("encodedList", ""))), int(index))


@functools.lru_cache(maxsize=64)
def _decoded(encoded: str) -> bytes:
    """Lists change only on revocation: the same encodedList is decoded once (a pure function)."""
    return statuslist.decode(encoded)


def _verify_list_signature(status_doc: dict[str, Any], *, issuer: str, source: Source) -> None:
    proofs = as_list(status_doc.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise ValueError("la liste de statut n'est pas signée.")
    key = resolve_ed25519(source, str(proofs[0].get("verificationMethod")), issuer_id=issuer)
    created = parse_created(proofs[0])
    if key.revoked is not None and (created is None or created >= key.revoked):
        raise ValueError("la liste de statut est signée par une clé compromise.")
    # Verifying the list's proof (RDFC-1.0 canonicalisation) costs more than the rest of a verification;
    # the result depends only on the exact document and the key, which are re-read every time.
    fingerprint = (
        hashlib.sha256(json.dumps(status_doc, sort_keys=True).encode()).hexdigest(),
        key.public_key,
    )
    with _VERIFIED_LOCK:
        if fingerprint in _VERIFIED_LISTS:
            _VERIFIED_LISTS.move_to_end(fingerprint)
            return
    dataintegrity.verify(status_doc, resolve_key=lambda _method: key.public_key)
    with _VERIFIED_LOCK:
        _VERIFIED_LISTS[fingerprint] = None
        while len(_VERIFIED_LISTS) > MAX_VERIFIED_LISTS:
            _VERIFIED_LISTS.popitem(last=False)


def _check_revocation_list(
    entry: dict[str, Any], doc: dict[str, Any], *, issuer: str, source: Source
) -> None:
    """A plain JSON list `revokedCredential: [{"id": …}]` at the entry's id (docs/standards.md#S-status-list).

    It is unsigned, as 1EdTech's validator reads it: the URL is trusted because the signed credential names
    it. When the list names its issuer, that must be the credential's.
    """
    url = entry.get("id")
    if not isinstance(url, str):
        raise ValueError("entrée 1EdTechRevocationList sans adresse (id).")
    revocations = get_json(source, url)
    named = revocations.get("issuer")
    if named is not None and (obj(named).get("id") if isinstance(named, dict) else named) != issuer:
        raise ValueError("la liste de révocation n'est pas publiée par l'émetteur du badge.")
    for revoked in as_list(revocations.get("revokedCredential")):
        if isinstance(revoked, dict) and revoked.get("id") == doc.get("id"):
            reason = revoked.get("revocationReason")
            given = reason if isinstance(reason, str) and reason else None
            raise _Revoked(
                "Ce badge a été révoqué par son émetteur" + (f" : {given}." if given else "."), given
            )
