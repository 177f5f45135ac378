"""Public keys for JOSE tokens: VC-JWT `kid` / `jwk` and OB 2.0 CryptographicKey.

See docs/standards.md#S-vc-jwt and docs/standards.md#S-ob2-signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from badges.services.crypto import CryptoError
from badges.services.crypto.keyring import PublicKey, fingerprint, public_info_from_pem, public_key_from_jwk
from badges.services.openbadges.common import JWK_COMPROMISED
from badges.services.verification.dates import parse_datetime
from badges.services.verification.key_resolution import KeyResolutionError, KeysUnavailable
from badges.services.verification.sources import FetchError, Source, get_json

COMPROMISED = JWK_COMPROMISED


@dataclass(frozen=True)
class JoseKey:
    key: PublicKey
    location: str
    compromised: datetime | None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def resolve_vc_jwt_key(source: Source, header: dict[str, Any], *, issuer_id: str) -> JoseKey:
    """From `kid` (a URL of the issuer's origin: a JWK or a JWKS) or an embedded `jwk` that the issuer
    publishes in its /.well-known/jwks.json; an embedded key alone proves nothing about who signed.

    Several issuers may share one origin: a JWK that names its issuer (`iss`) must name this one.
    """
    kid, embedded = header.get("kid"), header.get("jwk")
    if isinstance(kid, str) and kid.startswith(("https://", "http://")):
        if _origin(kid) != _origin(issuer_id):
            raise KeyResolutionError(f"La clé {kid} n'est pas publiée sur le site de l'émetteur {issuer_id}.")
        return _from_kid(source, kid, embedded, issuer_id)
    if isinstance(embedded, dict) and issuer_id.startswith(("https://", "http://")):
        return _from_issuer_jwks(source, embedded, issuer_id)
    raise KeyResolutionError("Le jeton ne désigne pas de clé publiée par l'émetteur (kid ou jwk).")


def _owned_by(doc: dict[str, Any], issuer_id: str) -> bool:
    return doc.get("iss") in (None, issuer_id)


def _from_kid(source: Source, kid: str, embedded: Any, issuer_id: str) -> JoseKey:
    try:
        doc = get_json(source, kid)
    except FetchError as exc:
        raise KeysUnavailable(f"La clé {kid} est introuvable : {exc}", str(exc)) from exc
    if isinstance(doc.get("keys"), list):
        matches = [k for k in doc["keys"] if isinstance(k, dict) and k.get("kid") == kid]
        if len(matches) != 1:
            raise KeyResolutionError(f"Le jeu de clés publié ne contient pas la clé {kid}.")
        doc = matches[0]
    if not _owned_by(doc, issuer_id):
        raise KeyResolutionError(f"La clé {kid} appartient à un autre émetteur que {issuer_id}.")
    key = _jwk(doc)
    if isinstance(embedded, dict) and fingerprint(_jwk(embedded)) != fingerprint(key):
        raise KeyResolutionError("La clé jointe au jeton n'est pas celle que l'émetteur publie.")
    compromised = parse_datetime(doc[COMPROMISED]) if isinstance(doc.get(COMPROMISED), str) else None
    return JoseKey(key, kid, compromised)


def _from_issuer_jwks(source: Source, embedded: dict[str, Any], issuer_id: str) -> JoseKey:
    url = _origin(issuer_id) + "/.well-known/jwks.json"
    key = _jwk(embedded)
    try:
        published = get_json(source, url).get("keys") or []
    except FetchError as exc:
        raise KeysUnavailable(f"Les clés de l'émetteur sont introuvables : {exc}", str(exc)) from exc
    for candidate in published:
        if isinstance(candidate, dict) and _owned_by(candidate, issuer_id) and _same_key(candidate, key):
            return JoseKey(key, url, None)
    raise KeyResolutionError("La clé jointe au jeton n'est pas publiée par l'émetteur.")


def _same_key(candidate: dict[str, Any], key: PublicKey) -> bool:
    try:
        return fingerprint(_jwk(candidate)) == fingerprint(key)
    except KeyResolutionError:
        return False


def embedded_key(header: dict[str, Any]) -> PublicKey | None:
    """The public key of the token's `jwk` header, if it has a readable one (trusted only once published)."""
    embedded = header.get("jwk")
    if not isinstance(embedded, dict):
        return None
    try:
        return _jwk(embedded)
    except KeyResolutionError:
        return None


def _jwk(doc: dict[str, Any]) -> PublicKey:
    try:
        return public_key_from_jwk(doc)
    except CryptoError as exc:
        raise KeyResolutionError(f"Clé publique refusée ({exc.code}).") from exc


def resolve_ob2_creator(source: Source, creator: str, *, issuer_profile_id: str) -> JoseKey:
    """The CryptographicKey named by `verification.creator`; its owner must be the issuer
    (docs/standards.md#S-ob2-signed)."""
    try:
        doc = get_json(source, creator)
    except FetchError as exc:
        raise KeyResolutionError(f"La clé {creator} est introuvable : {exc}") from exc
    if doc.get("owner") != issuer_profile_id:
        raise KeyResolutionError("La clé de signature n'appartient pas à l'émetteur du badge.")
    pem = doc.get("publicKeyPem")
    if not isinstance(pem, str):
        raise KeyResolutionError("La clé publiée n'a pas de publicKeyPem.")
    try:
        return JoseKey(public_info_from_pem(pem).public_key(), creator, None)
    except (CryptoError, ValueError) as exc:
        raise KeyResolutionError("La clé publiée n'est pas une clé publique valide.") from exc
