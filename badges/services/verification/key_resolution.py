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
from badges.services.shared.messages import N_, Message, message
from badges.services.verification.dates import parse_datetime
from badges.services.verification.sources import FetchError, Source, get_json

UNSUPPORTED_METHOD = message(
    "key.unsupported_method", N_("Méthode de vérification non prise en charge : %(method)s")
)
BAD_DID_WEB = message("key.bad_did_web", N_("Identifiant did:web mal formé : %(did)s"))
KEY_NOT_FOUND = message("key.not_found", N_("La clé %(key)s est introuvable : %(error)s"))
NOT_THE_DID = message("key.not_the_did", N_("Le document publié à %(url)s n'est pas celui de %(did)s."))
NOT_PUBLISHED = message("key.not_published", N_("La clé %(key)s n'est pas publiée par %(url)s."))
NOT_THE_CONTROLLER_DOC = message(
    "key.not_the_controller_document", N_("Le document de clés n'est pas celui du contrôleur de la clé.")
)
NOT_A_METHOD = message(
    "key.not_a_method", N_("Le document publié à %(key)s n'est pas une clé de vérification.")
)
NO_READABLE_CONTROLLER = message(
    "key.no_readable_controller",
    N_("La clé %(key)s ne nomme pas de contrôleur dont les clés peuvent être lues."),
)
NOT_THE_CONTROLLER = message(
    "key.not_the_controller", N_("Le document publié à %(url)s n'est pas celui du contrôleur %(controller)s.")
)
NOT_AUTHORISED = message(
    "key.not_authorised",
    N_("La clé %(key)s n'est pas autorisée à signer des attestations (assertionMethod)."),
)
NOT_OKP = message("key.not_okp", N_("La clé publiée n'est pas une clé publique Ed25519 (JWK OKP)."))
BAD_ED25519 = message("key.bad_ed25519", N_("La clé publique n'est pas une clé Ed25519 valide."))
OTHER_OWNER = message(
    "key.other_owner", N_("La clé appartient à %(controller)s, pas à l'émetteur %(issuer)s.")
)

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

    def __init__(self, said: Message) -> None:
        super().__init__(said.french)
        self.said = said


class KeysUnavailable(KeyResolutionError):
    """The document that would say which keys the issuer publishes could not be fetched (`reason`)."""

    cause = "network"

    def __init__(self, said: Message, reason: Message) -> None:
        super().__init__(said)
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
        raise UnsupportedKey(UNSUPPORTED_METHOD(method=method_id))
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
        raise KeyResolutionError(BAD_DID_WEB(did=did))
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{host.lower()}/{path}/did.json"


def _fetch(source: Source, url: str, method_id: str) -> dict[str, Any]:
    try:
        return get_json(source, url)
    except FetchError as exc:
        raise KeysUnavailable(KEY_NOT_FOUND(key=method_id, error=exc.said), exc.said) from exc


def _from_controller_document(
    source: Source, method_id: str, url: str, *, did: str | None = None
) -> ResolvedKey:
    doc = _fetch(source, url, method_id)
    if did is not None and doc.get("id") != did:
        raise KeyResolutionError(NOT_THE_DID(url=url, did=did))
    if doc.get("id") == method_id:
        return _fetched_method(source, doc, method_id)
    method = _listed_method(doc, method_id)
    if method is None or method.get("type") not in MULTIBASE_TYPES | JWK_TYPES:
        raise KeyResolutionError(NOT_PUBLISHED(key=method_id, url=url))
    if method.get("controller") != doc.get("id"):
        raise KeyResolutionError(NOT_THE_CONTROLLER_DOC)
    _require_authorised(doc, method_id)
    return _resolved(method_id, method)


def _fetched_method(source: Source, method: dict[str, Any], method_id: str) -> ResolvedKey:
    """A method served at its own URL only claims a controller: the controller's document must list it in
    assertionMethod (Controlled Identifiers 1.0 §3.3, retrieving a verification method)."""
    if method.get("type") not in MULTIBASE_TYPES | JWK_TYPES:
        raise KeyResolutionError(NOT_A_METHOD(key=method_id))
    controller = method.get("controller")
    if not isinstance(controller, str) or not controller.startswith(("https://", "http://", "did:web:")):
        raise KeyResolutionError(NO_READABLE_CONTROLLER(key=method_id))
    url = did_web_url(controller) if controller.startswith("did:web:") else controller
    doc = _fetch(source, url, method_id)
    if doc.get("id") != controller:
        raise KeyResolutionError(NOT_THE_CONTROLLER(url=url, controller=controller))
    _require_authorised(doc, method_id)
    return _resolved(method_id, method)


def _require_authorised(doc: dict[str, Any], method_id: str) -> None:
    if not _authorised(doc, method_id):
        raise KeyResolutionError(NOT_AUTHORISED(key=method_id))


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
        raise KeyResolutionError(NOT_OKP)
    x = jwk.get("x")
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)) if isinstance(x, str) else b""
    except (binascii.Error, ValueError) as exc:
        raise KeyResolutionError(BAD_ED25519) from exc
    if len(raw) != 32:
        raise KeyResolutionError(BAD_ED25519)
    return raw


def _from_multibase(value: Any) -> bytes:
    try:
        return ed25519_from_multibase(value)
    except CryptoError as exc:
        raise KeyResolutionError(BAD_ED25519) from exc


def _owned(key: ResolvedKey, issuer_id: str) -> ResolvedKey:
    """The key's controller must be the issuer (docs/standards.md#S-1edtech-checks)."""
    if key.controller != issuer_id:
        raise KeyResolutionError(OTHER_OWNER(controller=key.controller, issuer=issuer_id))
    return key
