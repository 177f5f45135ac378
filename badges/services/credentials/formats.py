"""The signed forms of an award made on first request: OB 2.0 JWS and OB 3.0 VC-JWT.

See docs/standards.md#S-ob2-signed and docs/standards.md#S-vc-jwt.

Each is signed once with the issuer's RSA key in force, stored, and served as stored afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from badges.models import Credential, SigningKey
from badges.services.credentials import signing_keys
from badges.services.credentials.links import Links, credential_urn
from badges.services.crypto import jws
from badges.services.crypto.keyring import Keyring
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
NO_SIGNED_OB2 = message(
    "download.no_signed_ob2",
    N_(
        "Ce badge vient d'un modèle partagé par un autre tiers-lieu : il n'a pas de version OB 2.0 signée. "
        "Utilisez la version OB 2.0 hébergée ou la version OB 3.0."
    ),
)


def signed_ob2_possible(credential: Credential) -> bool:
    """OB 2.0 has no issuer of its own in an Assertion: its issuer is its BadgeClass's (OB 2.0 §Assertion),
    and a SignedBadge's key must be one that issuer publishes (1EdTech's validator, verify_key_ownership).
    An award of a class shared by another tiers-lieu is signed by the awarding one: hosted only."""
    return credential.issuer_id == credential.badge_class.issuer_id


def _rsa_key(session: Session, credential: Credential) -> SigningKey:
    key = signing_keys.signing_key(session, issuer=credential.issuer, algorithm=signing_keys.RSA)
    credential.rsa_key_id = key.id
    return key


def _documents(credential: Credential) -> tuple[dict[str, Any], dict[str, Any]]:
    if credential.erased_at is not None or not credential.ob2_assertion or not credential.ob3_credential:
        raise NotFound(BADGE_NOT_FOUND)
    return json.loads(credential.ob2_assertion), json.loads(credential.ob3_credential)


def ob2_signed(session: Session, keyring: Keyring, *, credential: Credential, links: Links) -> str:
    """The signed OB 2.0 assertion: same content as the hosted one, a urn:uuid id, a SignedBadge."""
    if not signed_ob2_possible(credential):
        raise NotFound(NO_SIGNED_OB2)
    if credential.ob2_signed is None:
        hosted, _ = _documents(credential)
        key = _rsa_key(session, credential)
        assertion = {
            **hosted,
            "id": credential_urn(credential.public_id),
            "verification": {"type": "SignedBadge", "creator": links.ob2_key(key.public_id)},
        }
        credential.ob2_signed = jws.sign_compact(
            assertion, sign_bytes=lambda data: keyring.sign(key.public_id, data), headers={"typ": "JWT"}
        )
    return credential.ob2_signed


def ob3_jwt(session: Session, keyring: Keyring, *, credential: Credential, links: Links) -> str:
    """The OB 3.0 credential as a VC-JWT: the signed JSON without its Data Integrity proof."""
    if credential.ob3_jwt is None:
        _, signed = _documents(credential)
        unsecured = {name: value for name, value in signed.items() if name != "proof"}
        key = _rsa_key(session, credential)
        credential.ob3_jwt = jws.sign_vc_jwt(
            unsecured,
            sign_bytes=lambda data: keyring.sign(key.public_id, data),
            kid=links.rsa_kid(credential.issuer.slug, key.public_id),
        )
    return credential.ob3_jwt
