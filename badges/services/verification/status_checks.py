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
from badges.services.shared.messages import N_, Message, message
from badges.services.verification.common import as_list, issuer_id, obj, parse_created
from badges.services.verification.key_resolution import KeyResolutionError, resolve_ed25519
from badges.services.verification.report import REVOKED, Report, revoked_by_issuer
from badges.services.verification.sources import FetchError, Source, get_json

BITSTRING = "BitstringStatusListEntry"
REVOCATION_LIST = "1EdTechRevocationList"
# Purposes whose set bit makes the credential invalid; "refresh" and "message" only inform
# (docs/standards.md#S-status-list, Bitstring Status List §2.1).
BLOCKING_PURPOSES = ("revocation", "suspension")
NO_LIST = message(
    "check.status.none_declared",
    N_("Aucune liste de révocation déclarée : l'émetteur ne peut pas révoquer ce badge."),
)
UNVERIFIABLE = message("check.status.unverifiable", N_("Impossible de vérifier la révocation : %(error)s"))
NO_STATUS = message(
    "check.status.no_status", N_("Aucun statut de révocation ou de suspension déclaré par l'émetteur.")
)
NEITHER = message("check.status.neither", N_("Ni révoqué ni suspendu (%(how)s)."))
NOT_REVOKED = message("check.status.not_revoked", N_("Non révoqué (%(how)s)."))
NOT_SUSPENDED = message("check.status.not_suspended", N_("Non suspendu (%(how)s)."))
SUSPENDED = message("check.status.suspended", N_("Ce badge a été suspendu par son émetteur."))
SIGNED_LIST_CHECKED = message(
    "check.status.signed_list", N_("liste de statut signée par l'émetteur vérifiée")
)
REVOCATION_LIST_READ = message(
    "check.status.revocation_list", N_("liste de révocation 1EdTech de l'émetteur consultée")
)
NO_PURPOSE = message("check.status.no_purpose", N_("entrée de statut sans statusPurpose."))
UNSUPPORTED = message("check.status.unsupported", N_("type de statut non pris en charge : %(type)s."))
LIST_SIGNATURE = message(
    "check.status.list_signature", N_("la signature de la liste de statut est invalide.")
)
TECHNICAL = message("check.status.technical", N_("%(detail)s"))
MALFORMED = message("check.status.malformed", N_("entrée de statut mal formée."))
STATUS_SIZE = message(
    "check.status.size", N_("taille de statut non prise en charge (statusSize doit valoir 1).")
)
OTHER_PUBLISHER = message(
    "check.status.other_publisher", N_("la liste de statut n'est pas publiée par l'émetteur du badge.")
)
OTHER_PURPOSE = message(
    "check.status.other_purpose", N_("la liste de statut n'a pas le même usage que l'entrée.")
)
UNSIGNED = message("check.status.unsigned", N_("la liste de statut n'est pas signée."))
COMPROMISED_KEY = message(
    "check.status.compromised_key", N_("la liste de statut est signée par une clé compromise.")
)
NO_LIST_URL = message("check.status.no_list_url", N_("entrée 1EdTechRevocationList sans adresse (id)."))
OTHER_LIST_PUBLISHER = message(
    "check.status.other_list_publisher",
    N_("la liste de révocation n'est pas publiée par l'émetteur du badge."),
)


# Status lists whose proof verified, by (sha256 of the document, public key): a bounded LRU.
MAX_VERIFIED_LISTS = 256
_VERIFIED_LISTS: OrderedDict[tuple[str, bytes], None] = OrderedDict()
_VERIFIED_LOCK = threading.Lock()


class _Revoked(Exception):
    """The credential is revoked or suspended; `said` is the verdict, `reason` the issuer's words."""

    def __init__(self, said: Message, reason: str | None = None) -> None:
        super().__init__(said.french)
        self.said = said
        self.reason = reason


class _Unusable(ValueError):
    """The status entry or its list cannot be used: `said` says why."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.french)
        self.said = said


def check_status(
    doc: dict[str, Any], *, issuer_id: str, source: Source, now: datetime, report: Report
) -> None:
    entries = [e for e in as_list(doc.get("credentialStatus")) if isinstance(e, dict)]
    if not entries:
        report.ok("status", NO_LIST)
        return
    checked: list[tuple[str, Message]] = []
    for entry in entries:
        try:
            checked += _check_entry(entry, doc, issuer=issuer_id, source=source)
        except _Revoked as exc:
            report.revoked(exc.said, reason=exc.reason)
            return
        except (FetchError, KeyResolutionError, ValueError, CryptoError) as exc:
            # The list could not be read or trusted: the badge's status is unknown, not revoked.
            cause = (
                exc.cause if isinstance(exc, (FetchError, KeyResolutionError)) and exc.cause else "unreadable"
            )
            report.fail("status", UNVERIFIABLE(error=_message(exc)), cause=cause)
            return
    if not checked:
        report.ok("status", NO_STATUS)
        return
    purposes = set(purpose for purpose, _ in checked)
    verdict = NEITHER if len(purposes) > 1 else NOT_SUSPENDED if purposes == {"suspension"} else NOT_REVOKED
    ways = list(dict.fromkeys(how for _, how in checked))
    report.ok("status", verdict(how=_joined(ways)))


def _joined(ways: list[Message]) -> Message:
    """The ways the status was checked, separated by " ; " (each in the reader's language)."""
    template = " ; ".join(f"%(way{i})s" for i in range(len(ways)))
    return Message("check.status.ways", template, {f"way{i}": way for i, way in enumerate(ways)})


def _check_entry(
    entry: dict[str, Any], doc: dict[str, Any], *, issuer: str, source: Source
) -> list[tuple[str, Message]]:
    """(purpose ruled out, how) pairs; raises _Revoked when the credential no longer holds."""
    kind = entry.get("type")
    if kind == BITSTRING:
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str):
            raise _Unusable(NO_PURPOSE)
        if purpose not in BLOCKING_PURPOSES:
            return []
        if _bit(entry, purpose=purpose, issuer=issuer, source=source):
            raise _Revoked(REVOKED if purpose == "revocation" else SUSPENDED)
        return [(purpose, SIGNED_LIST_CHECKED)]
    if kind == REVOCATION_LIST:
        _check_revocation_list(entry, doc, issuer=issuer, source=source)
        return [("revocation", REVOCATION_LIST_READ)]
    raise _Unusable(UNSUPPORTED(type=str(kind)))


def _message(exc: Exception) -> Message:
    if isinstance(exc, CryptoError):
        return LIST_SIGNATURE
    if isinstance(exc, _Unusable | FetchError | KeyResolutionError):
        return exc.said
    return TECHNICAL(detail=str(exc))  # the status list decoder's own words


def _bit(entry: dict[str, Any], *, purpose: str, issuer: str, source: Source) -> bool:
    url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
        raise _Unusable(MALFORMED)
    if entry.get("statusSize", 1) not in (1, "1"):
        raise _Unusable(STATUS_SIZE)
    status_doc = get_json(source, url)
    if issuer_id(status_doc) != issuer:
        raise _Unusable(OTHER_PUBLISHER)
    _verify_list_signature(status_doc, issuer=issuer, source=source)
    subject = status_doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
        raise _Unusable(OTHER_PURPOSE)
    return statuslist.is_set(_decoded(str(subject.get("encodedList", ""))), int(index))


@functools.lru_cache(maxsize=64)
def _decoded(encoded: str) -> bytes:
    """Lists change only on revocation: the same encodedList is decoded once (a pure function)."""
    return statuslist.decode(encoded)


def _verify_list_signature(status_doc: dict[str, Any], *, issuer: str, source: Source) -> None:
    proofs = as_list(status_doc.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise _Unusable(UNSIGNED)
    key = resolve_ed25519(source, str(proofs[0].get("verificationMethod")), issuer_id=issuer)
    created = parse_created(proofs[0])
    if key.revoked is not None and (created is None or created >= key.revoked):
        raise _Unusable(COMPROMISED_KEY)
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
        raise _Unusable(NO_LIST_URL)
    revocations = get_json(source, url)
    named = revocations.get("issuer")
    if named is not None and (obj(named).get("id") if isinstance(named, dict) else named) != issuer:
        raise _Unusable(OTHER_LIST_PUBLISHER)
    for revoked in as_list(revocations.get("revokedCredential")):
        if isinstance(revoked, dict) and revoked.get("id") == doc.get("id"):
            reason = revoked.get("revocationReason")
            given = reason if isinstance(reason, str) and reason else None
            raise _Revoked(revoked_by_issuer(given), given)
