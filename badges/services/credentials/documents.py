"""Public documents of issuers, keys and badge classes, built from the database for web and verifier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeRevision, Credential, Issuer, SigningKey
from badges.services.credentials import signing_keys
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import public_info_from_pem
from badges.services.openbadges import ob2, ob3
from badges.services.openbadges.common import (
    JWK_COMPROMISED,
    AlignmentData,
    BadgeClassData,
    ComponentData,
    IssuerData,
    PathwayData,
    isoformat,
)


def issuer_data(issuer: Issuer, links: Links) -> IssuerData:
    return IssuerData(
        id=links.issuer(issuer.slug),
        name=issuer.name,
        url=issuer.url,
        email=issuer.email,
        description=issuer.description,
    )


def revision_data(revision: BadgeRevision, links: Links) -> BadgeClassData:
    """The achievement as it is signed into credentials; the internal profile label is never part of it."""
    alignments = tuple(
        AlignmentData(
            name=a["name"],
            url=links.competency(a["slug"], a["code"]),
            framework=a["framework"],
            code=a["code"],
            description=a.get("description", ""),
        )
        for a in revision.alignments
    )
    achievement_url = links.achievement(revision.public_id)
    return BadgeClassData(
        id=achievement_url,
        name=revision.name,
        description=revision.description,
        criteria_narrative=revision.criteria_narrative,
        criteria_url=achievement_url + "#criteres",
        image_url=links.badge_image(revision.public_id),
        level=revision.level,
        alignments=alignments,
        tags=tuple(revision.tags or ()),
        pathway=pathway_data(revision, links),
        creator=issuer_data(revision.badge_class.issuer, links),
    )


def pathway_data(revision: BadgeRevision, links: Links) -> PathwayData | None:
    """The components of a pathway badge, by their class's public id (its first revision's documents)."""
    if not revision.pathway:
        return None
    return PathwayData(
        title=revision.pathway["pathway"],
        at_least=revision.pathway.get("at_least"),
        components=tuple(
            ComponentData(
                name=c["name"], achievement_url=links.achievement(c["id"]), badge_url=links.ob2_badge(c["id"])
            )
            for c in revision.pathway["components"]
        ),
    )


def verification_methods(session: Session, issuer: Issuer, links: Links) -> list[dict]:
    """Each published Ed25519 key under its method id, then under the `#key-` id of badges signed earlier.

    The legacy entries keep those badges verifiable by anyone who reads the controller document for a
    fragment method id (1EdTech's validator does): the key and its controller are the same.
    """
    controller = links.issuer(issuer.slug)
    keys = signing_keys.published_keys(session, issuer=issuer, algorithm=signing_keys.ED25519)
    return [
        ob3.multikey(
            method_id=method_id(issuer.slug, key.public_id),
            controller=controller,
            public_multibase=key.public_multibase or "",
            revoked=key.compromised_at,
        )
        for method_id in (links.ed25519_method, links.legacy_ed25519_method)
        for key in keys
    ]


def controller_document(session: Session, issuer: Issuer, links: Links) -> dict:
    return ob3.controller_document(
        issuer=issuer_data(issuer, links), methods=verification_methods(session, issuer, links)
    )


def rsa_jwk(key: SigningKey, links: Links) -> dict:
    jwk = public_info_from_pem(key.public_pem).jwk(links.rsa_kid(key.issuer.slug, key.public_id))
    jwk["iss"] = links.issuer(key.issuer.slug)
    if key.compromised_at is not None:
        jwk[JWK_COMPROMISED] = isoformat(key.compromised_at)
    return jwk


def jwks(session: Session, issuers: list[Issuer], links: Links) -> dict:
    """Every published RSA key, compromised ones excepted (a JWKS has no way to date a compromise)."""
    found = []
    for issuer in issuers:
        for key in signing_keys.published_keys(session, issuer=issuer, algorithm=signing_keys.RSA):
            if key.compromised_at is None:
                found.append(rsa_jwk(key, links))
    return {"keys": found}


def ob2_issuer_profile(session: Session, issuer: Issuer, links: Links) -> dict:
    keys = signing_keys.published_keys(session, issuer=issuer, algorithm=signing_keys.RSA)
    data = issuer_data(issuer, links)
    return ob2.issuer_profile(
        data,
        profile_id=links.ob2_issuer(issuer.slug),
        key_ids=[links.ob2_key(k.public_id) for k in keys if k.compromised_at is None],
        revocation_list=links.ob2_revocations(issuer.slug),
    )


def ob2_badge_class(revision: BadgeRevision, links: Links) -> dict:
    return ob2.badge_class(
        revision_data(revision, links),
        badge_id=links.ob2_badge(revision.public_id),
        issuer_id=links.ob2_issuer(revision.badge_class.issuer.slug),
    )


def ob2_crypto_key(key: SigningKey, links: Links) -> dict:
    return ob2.cryptographic_key(
        key_id=links.ob2_key(key.public_id),
        owner=links.ob2_issuer(key.issuer.slug),
        public_pem=key.public_pem,
    )


def ob2_revocation_list(session: Session, issuer: Issuer, links: Links) -> dict:
    """Revoked OB 2.0 assertions of the issuer: ids and reasons only, no personal data
    (docs/standards.md#S-ob2-signed)."""
    revoked = session.scalars(
        select(Credential)
        .where(Credential.issuer_id == issuer.id, Credential.revoked_at.is_not(None))
        .order_by(Credential.revoked_at, Credential.id)
    )
    entries = [
        ob2.revocation_entry(
            assertion_ids=(links.ob2_assertion(c.public_id), f"urn:uuid:{c.public_id}"),
            reason=c.revocation_reason,
        )
        for c in revoked
    ]
    return ob2.revocation_list(
        list_id=links.ob2_revocations(issuer.slug),
        issuer_id=links.ob2_issuer(issuer.slug),
        entries=[e for pair in entries for e in pair],
    )
