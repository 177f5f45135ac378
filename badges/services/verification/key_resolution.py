"""Resolving verification methods to public keys, and checking who controls them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from badges.services.crypto import CryptoError
from badges.services.crypto.multibase import ed25519_from_multibase
from badges.services.verification.dates import parse_datetime
from badges.services.verification.sources import FetchError, Source, get_json

# Verification method types holding an Ed25519 key as publicKeyMultibase (z6Mk…) or as an OKP JWK.
MULTIBASE_TYPES = {"Multikey", "Ed25519VerificationKey2020"}
JWK_TYPES = {"JsonWebKey", "JsonWebKey2020"}
# did:web host: a DNS name or IPv4 literal, with an optional port (percent-encoded colon in the DID).
_DID_WEB_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?")
_DID_WEB_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=@-]+")


class KeyResolutionError(Exception):
    """The key cannot be resolved or is not the issuer's; the message is French.

    `cause` is None when the key is not the issuer's (the badge is not authentic), a report cause when
    the verifier could not find out (a form it cannot read, keys it could not fetch).
    """

    cause: str | None = None


class KeysUnavailable(KeyResolutionError):
    """The document that would say which keys the issuer publishes could not be fetched (`reason`)."""

    cause = "network"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class UnsupportedKey(KeyResolutionError):
    """A verification method of a form this verifier does not read."""

    cause = "unreadable"


@dataclass(frozen=True)
class ResolvedKey:
    method_id: str
    controller: str
    public_key: bytes
    revoked: datetime | None


def resolve_ed25519(source: Source, method_id: str, *, issuer_id: str) -> ResolvedKey:
    """An Ed25519 key from did:key, did:web or an https controller document (docs/standards.md#S-keys)."""
    base, _, _fragment = method_id.partition("#")
    if base.startswith("did:key:"):
        key = _from_multibase(base[len("did:key:") :])
        return _owned(ResolvedKey(method_id, base, key, None), issuer_id)
    if base.startswith("did:web:"):
        return _owned(_from_controller_document(source, method_id, did_web_url(base), did=base), issuer_id)
    if not base.startswith(("https://", "http://")):
        raise UnsupportedKey(f"Méthode de vérification non prise en charge : {method_id}")
    # `<issuer>#z6Mk…` (1EdTech's test-vector style) goes through the issuer's document too: a key read
    # from the method id alone would let anyone sign in any https issuer's name.
    return _owned(_from_controller_document(source, method_id, base), issuer_id)


def key_in_method_id(method_id: str, *, issuer_id: str) -> bytes | None:
    """The key written in a `<https issuer>#z6Mk…` method id (1EdTech's test-vector style), if it is one.

    Such a key proves nothing by itself: it is trusted only when the issuer's document lists it.
    """
    base, _, fragment = method_id.partition("#")
    if base != issuer_id or not base.startswith(("https://", "http://")) or not fragment.startswith("z6Mk"):
        return None
    try:
        return ed25519_from_multibase(fragment)
    except CryptoError:
        return None


def did_web_url(did: str) -> str:
    """did:web:example.com -> https://example.com/.well-known/did.json;
    did:web:example.com%3A8443:user:alice -> https://example.com:8443/user/alice/did.json
    (docs/standards.md#S-keys, did:web §3.2)."""
    parts = did[len("did:web:") :].split(":")
    host = unquote(parts[0])
    segments = [unquote(p) for p in parts[1:]]
    if not _DID_WEB_HOST.fullmatch(host) or any(
        not _DID_WEB_SEGMENT.fullmatch(s) or s in (".", "..") for s in segments
    ):
        raise KeyResolutionError(f"Identifiant did:web mal formé : {did}")
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{host.lower()}/{path}/did.json"


def _fetch(source: Source, url: str, method_id: str) -> dict[str, Any]:
    try:
        return get_json(source, url)
    except FetchError as exc:
        raise KeysUnavailable(f"La clé {method_id} est introuvable : {exc}", str(exc)) from exc


def _from_controller_document(
    source: Source, method_id: str, url: str, *, did: str | None = None
) -> ResolvedKey:
    doc = _fetch(source, url, method_id)
    if did is not None and doc.get("id") != did:
        raise KeyResolutionError(f"Le document publié à {url} n'est pas celui de {did}.")
    if doc.get("id") == method_id:
        return _fetched_method(source, doc, method_id)
    method = _listed_method(doc, method_id)
    if method is None or method.get("type") not in MULTIBASE_TYPES | JWK_TYPES:
        raise KeyResolutionError(f"La clé {method_id} n'est pas publiée par {url}.")
    if method.get("controller") != doc.get("id"):
        raise KeyResolutionError("Le document de clés n'est pas celui du contrôleur de la clé.")
    _require_authorised(doc, method_id)
    return _resolved(method_id, method)


def _fetched_method(source: Source, method: dict[str, Any], method_id: str) -> ResolvedKey:
    """A method served at its own URL only claims a controller: the controller's document must list it in
    assertionMethod (Controlled Identifiers 1.0 §3.3, retrieving a verification method)."""
    if method.get("type") not in MULTIBASE_TYPES | JWK_TYPES:
        raise KeyResolutionError(f"Le document publié à {method_id} n'est pas une clé de vérification.")
    controller = method.get("controller")
    if not isinstance(controller, str) or not controller.startswith(("https://", "http://", "did:web:")):
        raise KeyResolutionError(
            f"La clé {method_id} ne nomme pas de contrôleur dont les clés peuvent être lues."
        )
    url = did_web_url(controller) if controller.startswith("did:web:") else controller
    doc = _fetch(source, url, method_id)
    if doc.get("id") != controller:
        raise KeyResolutionError(f"Le document publié à {url} n'est pas celui du contrôleur {controller}.")
    _require_authorised(doc, method_id)
    return _resolved(method_id, method)


def _require_authorised(doc: dict[str, Any], method_id: str) -> None:
    if not _authorised(doc, method_id):
        raise KeyResolutionError(
            f"La clé {method_id} n'est pas autorisée à signer des attestations (assertionMethod)."
        )


def _resolved(method_id: str, method: dict[str, Any]) -> ResolvedKey:
    revoked = parse_datetime(method["revoked"]) if isinstance(method.get("revoked"), str) else None
    return ResolvedKey(method_id, str(method.get("controller")), _public_key(method), revoked)


def _absolute(reference: Any, doc_id: Any) -> Any:
    """DID documents may name their methods relatively ("#key-1")."""
    if isinstance(reference, str) and reference.startswith("#") and isinstance(doc_id, str):
        return doc_id + reference
    return reference


def _listed_method(doc: dict[str, Any], method_id: str) -> dict[str, Any] | None:
    candidates = [*_as_list(doc.get("verificationMethod")), *_as_list(doc.get("assertionMethod"))]
    for candidate in candidates:
        if isinstance(candidate, dict) and _absolute(candidate.get("id"), doc.get("id")) == method_id:
            return candidate
    return None


def _authorised(doc: dict[str, Any], method_id: str) -> bool:
    """Listed in assertionMethod, by reference or embedded (Controlled Identifiers §2.3)."""
    for entry in _as_list(doc.get("assertionMethod")):
        reference = entry.get("id") if isinstance(entry, dict) else entry
        if _absolute(reference, doc.get("id")) == method_id:
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _public_key(method: dict[str, Any]) -> bytes:
    if method.get("type") in MULTIBASE_TYPES:
        return _from_multibase(method.get("publicKeyMultibase"))
    jwk = method.get("publicKeyJwk")
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk:
        raise KeyResolutionError("La clé publiée n'est pas une clé publique Ed25519 (JWK OKP).")
    x = jwk.get("x")
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)) if isinstance(x, str) else b""
    except (binascii.Error, ValueError) as exc:
        raise KeyResolutionError("La clé publique n'est pas une clé Ed25519 valide.") from exc
    if len(raw) != 32:
        raise KeyResolutionError("La clé publique n'est pas une clé Ed25519 valide.")
    return raw


def _from_multibase(value: Any) -> bytes:
    try:
        return ed25519_from_multibase(value)
    except CryptoError as exc:
        raise KeyResolutionError("La clé publique n'est pas une clé Ed25519 valide.") from exc


def _owned(key: ResolvedKey, issuer_id: str) -> ResolvedKey:
    """The key's controller must be the issuer (docs/standards.md#S-1edtech-checks)."""
    if key.controller != issuer_id:
        raise KeyResolutionError(f"La clé appartient à {key.controller}, pas à l'émetteur {issuer_id}.")
    return key
