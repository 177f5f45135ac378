"""Open Badges 3.0 documents: pure functions from plain values to JSON.

See docs/standards.md#S-ob3-credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from badges.services.openbadges.common import (
    LEVEL_SCALE,
    AlignmentData,
    BadgeClassData,
    IssuerData,
    PathwayData,
    isoformat,
)

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Needed because credentialSchema uses the 1EdTechJsonSchemaValidator2019 type
# (docs/standards.md#S-ob3-contexts).
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXTS = [CREDENTIALS_V2, OB_CONTEXT, OB_EXTENSIONS]
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
LEVEL_VALUES = ["N1", "N2", "N3", "N4"]
# A pathway badge is an Achievement for a whole programme of ateliers: the spec's AchievementType
# "LearningProgram" ("set of learning opportunities that leads to an outcome", OB 3.0 §B.3.1); its
# components are alignments to their Achievements, typed with the spec's `ext:` extension convention
# (AlignmentTargetType is an EnumExt): `related` is reserved for "the same achievement" (other language or
# version), and `ceterms:Credential` for credentials published by Credential Engine.
PATHWAY_TYPE = "LearningProgram"
COMPONENT_TARGET = "ext:PathwayComponent"


def profile(issuer: IssuerData) -> dict:
    """An issuer Profile; `type` is an array (docs/standards.md#S-ob3-credential) and name, url and email are
    always given."""
    doc: dict = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description:
        doc["description"] = issuer.description
    if issuer.image:
        doc["image"] = {"id": issuer.image, "type": "Image"}
    return doc


def alignment(item: AlignmentData) -> dict:
    doc = {
        "type": ["Alignment"],
        "targetName": item.name,
        "targetUrl": item.url,
        "targetFramework": item.framework,
        "targetCode": item.code,
        "targetType": "ceasn:Competency",
    }
    if item.description:
        doc["targetDescription"] = item.description
    return doc


def component_alignments(pathway: PathwayData) -> list[dict]:
    return [
        {
            "type": ["Alignment"],
            "targetName": c.name,
            "targetUrl": c.achievement_url,
            "targetFramework": f"Parcours : {pathway.title}",
            "targetType": COMPONENT_TARGET,
        }
        for c in pathway.components
    ]


def levels_id(data: BadgeClassData) -> str:
    return data.id + "#levels"


def level_id(data: BadgeClassData, level: str) -> str:
    """Id of a RubricCriterionLevel: `requiredLevel` and `achievedLevel` point at it (OB 3.0 §B.1.20)."""
    return f"{data.id}#niveau-{level}"


def rubric_levels(data: BadgeClassData) -> list[dict]:
    """The local scale N1-N4 with its FALC labels, so a reader sees what the level means."""
    return [
        {
            "id": level_id(data, code),
            "type": ["RubricCriterionLevel"],
            "name": f"{code} : {label}",
            "description": falc,
            "level": code,
        }
        for code, label, falc in LEVEL_SCALE
    ]


def achievement(data: BadgeClassData) -> dict:
    doc: dict = {
        "id": data.id,
        "type": ["Achievement"],
        "achievementType": PATHWAY_TYPE if data.pathway else "Badge",
        "name": data.name,
        "description": data.description,
        "criteria": {"id": data.criteria_url, "narrative": data.criteria_narrative},
        "image": {"id": data.image_url, "type": "Image"},
        "inLanguage": "fr",
        "resultDescription": [
            {
                "id": levels_id(data),
                "type": ["ResultDescription"],
                "name": "Niveau (échelle locale N1 à N4)",
                "resultType": "PerformanceLevel",
                "allowedValue": LEVEL_VALUES,
                "requiredLevel": level_id(data, data.level),
                "rubricCriterionLevel": rubric_levels(data),
            }
        ],
    }
    if data.creator is not None:
        doc["creator"] = profile(data.creator)
    aligned = [alignment(a) for a in data.alignments]
    if data.pathway:
        aligned += component_alignments(data.pathway)
    if aligned:
        doc["alignment"] = aligned
    if data.tags:
        doc["tag"] = list(data.tags)
    return doc


def identity_object(*, identity_type: str, identity_hash: str, salt: str | None, hashed: bool) -> dict:
    """An IdentityObject: `type` is the string "IdentityObject" (docs/standards.md#S-ob3-credential)."""
    doc: dict = {
        "type": "IdentityObject",
        "identityHash": identity_hash,
        "identityType": identity_type,
        "hashed": hashed,
    }
    if salt is not None:
        doc["salt"] = salt
    return doc


def status_entry(*, list_url: str, index: int) -> dict:
    """A BitstringStatusListEntry for revocation; the index is a base-10 string
    (docs/standards.md#S-status-list)."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def credential(
    *,
    credential_id: str,
    issuer: IssuerData,
    badge: BadgeClassData,
    subject_id: str,
    identifiers: Sequence[dict],
    valid_from: datetime,
    valid_until: datetime | None,
    evidence: Sequence[dict],
    status: dict,
    awarded_date: datetime | None = None,
) -> dict:
    """The unsigned OpenBadgeCredential; signing adds `proof` (docs/standards.md#S-ob3-credential).
    `awardedDate` keeps the day the badge was earned when it was signed later (issue 14)."""
    subject: dict = {"id": subject_id, "type": ["AchievementSubject"]}
    if identifiers:
        subject["identifier"] = list(identifiers)
    subject["result"] = [
        {
            "type": ["Result"],
            "resultDescription": levels_id(badge),
            "value": badge.level,
            "achievedLevel": level_id(badge, badge.level),
        }
    ]
    subject["achievement"] = achievement(badge)
    doc: dict = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile(issuer),
        "validFrom": isoformat(valid_from),
    }
    if valid_until is not None:
        doc["validUntil"] = isoformat(valid_until)
    if awarded_date is not None:
        doc["awardedDate"] = isoformat(awarded_date)
    doc["name"] = badge.name
    doc["description"] = badge.description
    doc["credentialSubject"] = subject
    if evidence:
        doc["evidence"] = [{"type": ["Evidence"], **item} for item in evidence]
    doc["credentialSchema"] = [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    doc["credentialStatus"] = status
    return doc


def multikey(*, method_id: str, controller: str, public_multibase: str, revoked: datetime | None) -> dict:
    """A Multikey verification method; `revoked` (Controlled Identifiers §2.2) marks a compromised key."""
    doc = {
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase,
    }
    if revoked is not None:
        doc["revoked"] = isoformat(revoked)
    return doc


def controller_document(*, issuer: IssuerData, methods: Sequence[dict]) -> dict:
    """Served at the issuer id: its keys under verificationMethod and assertionMethod
    (docs/standards.md#S-keys).

    did/v1 comes first so verifiers read it as a controller document without JSON-LD framing.
    """
    # Compromised keys stay listed: credentials signed before the `revoked` date remain valid.
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": issuer.id,
        "verificationMethod": list(methods),
        "assertionMethod": [m["id"] for m in methods],
    }


def status_list_credential(*, list_url: str, issuer_id: str, encoded_list: str, valid_from: datetime) -> dict:
    """The unsigned BitstringStatusListCredential (docs/standards.md#S-status-list)."""
    return {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": isoformat(valid_from),
        "credentialSubject": {
            "id": list_url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }


def endorsement_credential(
    *,
    credential_id: str,
    endorser: IssuerData,
    subject_id: str,
    comment: str,
    name: str,
    valid_from: datetime,
    status: dict,
) -> dict:
    """The unsigned EndorsementCredential (OB 3.0 §B.1.2): its subject (§B.1.3 EndorsementSubject) names the
    endorsed Achievement or Profile by id and carries the endorser's comment; signing adds `proof`.

    No credentialSchema: the spec's own schema URL for it is not bundled here, and a verifier fetching it
    would have to go online; the extensions context stays out with it (docs/standards.md#S-ob3-contexts).
    """
    return {
        "@context": [CREDENTIALS_V2, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": profile(endorser),
        "validFrom": isoformat(valid_from),
        "name": name,
        "credentialSubject": {
            "id": subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
        "credentialStatus": status,
    }
