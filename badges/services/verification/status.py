"""Revocation status of OB 3.0 credentials: W3C Bitstring Status List entries (A3.8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from badges.services.crypto import CryptoError, dataintegrity, statuslist
from badges.services.verification.common import as_list, issuer_id, parse_created
from badges.services.verification.keys import KeyError_, resolve_ed25519
from badges.services.verification.report import Report
from badges.services.verification.sources import FetchError, Source, get_json


def check_status(
    doc: dict[str, Any], *, issuer_id: str, source: Source, now: datetime, report: Report
) -> None:
    entries = [e for e in as_list(doc.get("credentialStatus")) if isinstance(e, dict)]
    if not entries:
        report.ok("status", "Aucune liste de révocation déclarée : l'émetteur ne peut pas révoquer ce badge.")
        return
    for entry in entries:
        if entry.get("type") != "BitstringStatusListEntry":
            report.fail("status", f"Type de statut non pris en charge : {entry.get('type')}.")
            return
        try:
            revoked = _bit(entry, issuer=issuer_id, source=source)
        except (FetchError, KeyError_, ValueError, CryptoError) as exc:
            report.fail("status", f"Impossible de vérifier la révocation : {_message(exc)}")
            return
        if revoked:
            purpose = entry.get("statusPurpose")
            word = "suspendu" if purpose == "suspension" else "révoqué"
            report.fail("status", f"Ce badge a été {word} par son émetteur.")
            return
    report.ok("status", "Non révoqué (liste de statut signée par l'émetteur vérifiée).")


def _message(exc: Exception) -> str:
    if isinstance(exc, CryptoError):
        return "la signature de la liste de statut est invalide."
    return str(exc)


def _bit(entry: dict[str, Any], *, issuer: str, source: Source) -> bool:
    url = entry.get("statusListCredential")
    index = entry.get("statusListIndex")
    if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
        raise ValueError("entrée de statut mal formée.")
    status_doc = get_json(source, url)
    if issuer_id(status_doc) != issuer:
        raise ValueError("la liste de statut n'est pas publiée par l'émetteur du badge.")
    _verify_list_signature(status_doc, issuer=issuer, source=source)
    subject = status_doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise ValueError("la liste de statut n'a pas le même usage que l'entrée.")
    bits = statuslist.decode(str(subject.get("encodedList", "")))
    return statuslist.is_set(bits, int(index))


def _verify_list_signature(status_doc: dict[str, Any], *, issuer: str, source: Source) -> None:
    proofs = as_list(status_doc.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        raise ValueError("la liste de statut n'est pas signée.")
    key = resolve_ed25519(source, str(proofs[0].get("verificationMethod")), issuer_id=issuer)
    created = parse_created(proofs[0])
    if key.revoked is not None and (created is None or created >= key.revoked):
        raise ValueError("la liste de statut est signée par une clé compromise.")
    dataintegrity.verify(status_doc, resolve_key=lambda _method: key.public_key)
