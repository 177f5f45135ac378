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
from badges.services.shared.messages import N_, message
from badges.services.verification.dates import parse_datetime
from badges.services.verification.key_resolution import KeyResolutionError, KeysUnavailable
from badges.services.verification.sources import FetchError, Source, get_json

KID_ELSEWHERE = message(
    "key.kid_elsewhere", N_("La clé %(kid)s n'est pas publiée sur le site de l'émetteur %(issuer)s.")
)
NO_KID = message("key.no_kid", N_("Le jeton ne désigne pas de clé publiée par l'émetteur (kid ou jwk)."))
KEY_NOT_FOUND = message("key.not_found", N_("La clé %(key)s est introuvable : %(error)s"))
NOT_IN_JWKS = message("key.not_in_jwks", N_("Le jeu de clés publié ne contient pas la clé %(kid)s."))
OTHER_ISSUER = message(
    "key.other_issuer", N_("La clé %(kid)s appartient à un autre émetteur que %(issuer)s.")
)
EMBEDDED_DIFFERS = message(
    "key.embedded_differs", N_("La clé jointe au jeton n'est pas celle que l'émetteur publie.")
)
KEYS_NOT_FOUND = message("key.keys_not_found", N_("Les clés de l'émetteur sont introuvables : %(error)s"))
EMBEDDED_UNPUBLISHED = message(
    "key.embedded_unpublished", N_("La clé jointe au jeton n'est pas publiée par l'émetteur.")
)
KEY_REFUSED = message("key.refused", N_("Clé publique refusée (%(code)s)."))
NOT_OWNER = message("key.not_owner", N_("La clé de signature n'appartient pas à l'émetteur du badge."))
NO_PEM = message("key.no_pem", N_("La clé publiée n'a pas de publicKeyPem."))
BAD_PEM = message("key.bad_pem", N_("La clé publiée n'est pas une clé publique valide."))

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
            raise KeyResolutionError(KID_ELSEWHERE(kid=kid, issuer=issuer_id))
        return _from_kid(source, kid, embedded, issuer_id)
    if isinstance(embedded, dict) and issuer_id.startswith(("https://", "http://")):
        return _from_issuer_jwks(source, embedded, issuer_id)
    raise KeyResolutionError(NO_KID)


def _owned_by(doc: dict[str, Any], issuer_id: str) -> bool:
    return doc.get("iss") in (None, issuer_id)


def _from_kid(source: Source, kid: str, embedded: Any, issuer_id: str) -> JoseKey:
    try:
        doc = get_json(source, kid)
    except FetchError as exc:
        raise KeysUnavailable(KEY_NOT_FOUND(key=kid, error=exc.said), exc.said) from exc
    if isinstance(doc.get("keys"), list):
        matches = [k for k in doc["keys"] if isinstance(k, dict) and k.get("kid") == kid]
        if len(matches) != 1:
            raise KeyResolutionError(NOT_IN_JWKS(kid=kid))
        doc = matches[0]
    if not _owned_by(doc, issuer_id):
        raise KeyResolutionError(OTHER_ISSUER(kid=kid, issuer=issuer_id))
    key = _jwk(doc)
    if isinstance(embedded, dict) and fingerprint(_jwk(embedded)) != fingerprint(key):
        raise KeyResolutionError(EMBEDDED_DIFFERS)
    compromised = parse_datetime(doc[COMPROMISED]) if isinstance(doc.get(COMPROMISED), str) else None
    return JoseKey(key, kid, compromised)


def _from_issuer_jwks(source: Source, embedded: dict[str, Any], issuer_id: str) -> JoseKey:
    url = _origin(issuer_id) + "/.well-known/jwks.json"
    key = _jwk(embedded)
    try:
        published = get_json(source, url).get("keys") or []
    except FetchError as exc:
        raise KeysUnavailable(KEYS_NOT_FOUND(error=exc.said), exc.said) from exc
    for candidate in published:
        if isinstance(candidate, dict) and _owned_by(candidate, issuer_id) and _same_key(candidate, key):
            return JoseKey(key, url, None)
    raise KeyResolutionError(EMBEDDED_UNPUBLISHED)


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
        raise KeyResolutionError(KEY_REFUSED(code=exc.code)) from exc


def resolve_ob2_creator(source: Source, creator: str, *, issuer_profile_id: str) -> JoseKey:
    """The CryptographicKey named by `verification.creator`; its owner must be the issuer
    (docs/standards.md#S-ob2-signed)."""
    try:
        doc = get_json(source, creator)
    except FetchError as exc:
        raise KeyResolutionError(KEY_NOT_FOUND(key=creator, error=exc.said)) from exc
    if doc.get("owner") != issuer_profile_id:
        raise KeyResolutionError(NOT_OWNER)
    pem = doc.get("publicKeyPem")
    if not isinstance(pem, str):
        raise KeyResolutionError(NO_PEM)
    try:
        return JoseKey(public_info_from_pem(pem).public_key(), creator, None)
    except (CryptoError, ValueError) as exc:
        raise KeyResolutionError(BAD_PEM) from exc
