"""Open Badges 2.0 documents (docs/standards.md#S-ob2-documents): pure functions from plain values to JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from badges.services.openbadges.common import AlignmentData, BadgeClassData, IssuerData, isoformat

CONTEXT = "https://w3id.org/openbadges/v2"


def identity_hash(identity: str, salt: str) -> str:
    """OB IdentityHash: 'sha256$' + hex(sha256(identity + salt)) (docs/standards.md#S-ob2-documents)."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def issuer_profile(
    issuer: IssuerData, *, profile_id: str, key_ids: Sequence[str], revocation_list: str
) -> dict:
    doc: dict = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": profile_id,
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description:
        doc["description"] = issuer.description
    if issuer.image:
        doc["image"] = issuer.image
    if key_ids:
        doc["publicKey"] = list(key_ids)
    doc["revocationList"] = revocation_list
    return doc


def alignment(item: AlignmentData) -> dict:
    doc = {
        "targetName": item.name,
        "targetUrl": item.url,
        "targetFramework": item.framework,
        "targetCode": item.code,
    }
    if item.description:
        doc["targetDescription"] = item.description
    return doc


def badge_class(data: BadgeClassData, *, badge_id: str, issuer_id: str) -> dict:
    doc: dict = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_id,
        "name": data.name,
        "description": data.description,
        "image": data.image_url,
        "criteria": {"id": data.criteria_url, "narrative": data.criteria_narrative},
        "issuer": issuer_id,
    }
    aligned = [alignment(a) for a in data.alignments]
    if data.pathway:
        # OB 2.0 has no achievement type: the components are alignments to their BadgeClasses.
        aligned += [
            {
                "targetName": c.name,
                "targetUrl": c.badge_url,
                "targetFramework": f"Parcours : {data.pathway.title}",
            }
            for c in data.pathway.components
        ]
    if aligned:
        doc["alignment"] = aligned
    if data.tags:
        doc["tags"] = list(data.tags)
    return doc


@dataclass(frozen=True)
class Recipient:
    """What goes into `recipient`: the identity is hashed with a per-credential salt."""

    identity: str
    type: str  # "email", or "url" for the pseudonymous urn:uuid when no e-mail is known
    salt: str


def assertion(
    *,
    assertion_id: str,
    badge_id: str,
    recipient: Recipient,
    issued_on: datetime,
    expires: datetime | None,
    evidence: Sequence[dict],
    verification: dict,
) -> dict:
    doc: dict = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": recipient.type,
            "hashed": True,
            "salt": recipient.salt,
            "identity": identity_hash(recipient.identity, recipient.salt),
        },
        "badge": badge_id,
        "verification": verification,
        "issuedOn": isoformat(issued_on),
    }
    if expires is not None:
        doc["expires"] = isoformat(expires)
    if evidence:
        doc["evidence"] = [dict(item) for item in evidence]
    return doc


def cryptographic_key(*, key_id: str, owner: str, public_pem: str) -> dict:
    return {
        "@context": CONTEXT,
        "type": "CryptographicKey",
        "id": key_id,
        "owner": owner,
        "publicKeyPem": public_pem,
    }


def revocation_list(*, list_id: str, issuer_id: str, entries: Sequence[dict]) -> dict:
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": list_id,
        "issuer": issuer_id,
        "revokedAssertions": list(entries),
    }


def revoked_assertion(*, assertion_id: str, reason: str | None) -> dict:
    """What a revoked hosted assertion answers, with HTTP 410 (docs/standards.md#S-ob2-hosted)."""
    doc: dict = {"@context": CONTEXT, "id": assertion_id, "type": "Assertion", "revoked": True}
    if reason:
        doc["revocationReason"] = reason
    return doc


def revocation_entry(*, assertion_ids: Sequence[str], reason: str | None) -> tuple[dict, ...]:
    """One entry per id the assertion is known by (hosted URL and signed urn:uuid)."""
    return tuple({"id": aid, "revocationReason": reason} if reason else {"id": aid} for aid in assertion_ids)


def endorsement(
    *, endorsement_id: str, endorser_id: str, claim_id: str, comment: str, issued_on: datetime
) -> dict:
    """A hosted OB 2.0 Endorsement: its claim names the endorsed BadgeClass or Profile (OB 2.0 spec)."""
    return {
        "@context": CONTEXT,
        "type": "Endorsement",
        "id": endorsement_id,
        "issuer": endorser_id,
        "issuedOn": isoformat(issued_on),
        "claim": {"id": claim_id, "endorsementComment": comment},
        "verification": {"type": "HostedBadge"},
    }


def revoked_endorsement(*, endorsement_id: str) -> dict:
    """What a withdrawn hosted endorsement answers, with HTTP 410 (like a revoked assertion)."""
    return {"@context": CONTEXT, "id": endorsement_id, "type": "Endorsement", "revoked": True}
