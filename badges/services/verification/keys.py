"""Resolving verification methods to public keys, and checking who controls them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from badges.services.crypto import CryptoError
from badges.services.crypto.multibase import ed25519_from_multibase
from badges.services.verification.dates import parse_datetime
from badges.services.verification.sources import FetchError, Source, get_json


class KeyError_(Exception):
    """The key cannot be resolved or is not the issuer's; the message is French."""


@dataclass(frozen=True)
class ResolvedKey:
    method_id: str
    controller: str
    public_key: bytes
    revoked: datetime | None


def resolve_ed25519(source: Source, method_id: str, *, issuer_id: str) -> ResolvedKey:
    """An Ed25519 key from did:key, `<issuer>#<multibase>` or an https controller document (A3.6)."""
    base, _, fragment = method_id.partition("#")
    if base.startswith("did:key:"):
        key = _from_multibase(base[len("did:key:") :])
        return _owned(ResolvedKey(method_id, base, key, None), issuer_id)
    if fragment.startswith("z6Mk") and base == issuer_id:
        # 1EdTech's style: the key is in the method id itself, controlled by the issuer.
        return ResolvedKey(method_id, issuer_id, _from_multibase(fragment), None)
    if not base.startswith(("https://", "http://")):
        raise KeyError_(f"Méthode de vérification non prise en charge : {method_id}")
    return _owned(_from_controller_document(source, method_id, base), issuer_id)


def _from_controller_document(source: Source, method_id: str, url: str) -> ResolvedKey:
    try:
        doc = get_json(source, url)
    except FetchError as exc:
        raise KeyError_(f"La clé {method_id} est introuvable : {exc}") from exc
    method = doc if doc.get("id") == method_id else None
    for candidate in doc.get("verificationMethod") or []:
        if isinstance(candidate, dict) and candidate.get("id") == method_id:
            method = candidate
    if method is None or method.get("type") != "Multikey":
        raise KeyError_(f"La clé {method_id} n'est pas publiée par {url}.")
    controller = method.get("controller")
    if doc is not method and controller != doc.get("id"):
        raise KeyError_("Le document de clés n'est pas celui du contrôleur de la clé.")
    if doc is not method and method_id not in (doc.get("assertionMethod") or []):
        raise KeyError_(
            f"La clé {method_id} n'est pas autorisée à signer des attestations (assertionMethod)."
        )
    revoked = parse_datetime(method["revoked"]) if isinstance(method.get("revoked"), str) else None
    return ResolvedKey(
        method_id, str(controller), _from_multibase(str(method.get("publicKeyMultibase"))), revoked
    )


def _from_multibase(value: str) -> bytes:
    try:
        return ed25519_from_multibase(value)
    except CryptoError as exc:
        raise KeyError_("La clé publique n'est pas une clé Ed25519 valide.") from exc


def _owned(key: ResolvedKey, issuer_id: str) -> ResolvedKey:
    """The key's controller must be the issuer (A3.13, step 8)."""
    if key.controller != issuer_id:
        raise KeyError_(f"La clé appartient à {key.controller}, pas à l'émetteur {issuer_id}.")
    return key
