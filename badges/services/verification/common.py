"""Checks shared by the OB 3.0 proof formats: shape, issuer, validity dates, recipient, summary."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from badges.services.verification.dates import french, parse_datetime
from badges.services.verification.report import Lapse, Report

french_date = french
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def obj(value: Any) -> dict[str, Any]:
    """The value if it is a JSON object, else an empty one (foreign documents may hold anything)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def issuer_id(doc: dict[str, Any]) -> str:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        return str(issuer.get("id", ""))
    return str(issuer or "")


def parse_created(proof: dict[str, Any]) -> datetime | None:
    created = proof.get("created")
    return parse_datetime(created) if isinstance(created, str) else None


def distrusted_key(compromised: datetime | None, signed_at: datetime | None, report: Report) -> bool:
    """A key declared compromised distrusts what claims to be signed from that date on (or undated)."""
    if compromised is None or (signed_at is not None and signed_at < compromised):
        return False
    report.fail(
        "key",
        f"La clé de signature a été déclarée compromise le {french(compromised)} "
        "et ce badge a été signé après : il n'est pas fiable.",
    )
    return True


def check_ob3_shape(doc: dict[str, Any], report: Report) -> bool:
    """The few fields every later check relies on (the JSON Schema reports the rest)."""
    types = as_list(doc.get("type"))
    if "VerifiableCredential" not in types or not OB3_TYPES & set(types):
        report.fail(
            "format",
            "Ce n'est pas un badge Open Badges 3.0 (type OpenBadgeCredential absent).",
            cause="unreadable",
        )
        return False
    missing = [f for f in ("id", "issuer", "validFrom", "credentialSubject") if f not in doc]
    if missing or not issuer_id(doc):
        absent = ", ".join(missing or ["issuer.id"])
        report.fail("format", "Champs obligatoires absents : " + absent + ".", cause="unreadable")
        return False
    report.ok("format", "Badge Open Badges 3.0 (Verifiable Credential).")
    return True


def check_issuer_profile(issuer: Any, report: Report) -> None:
    """OB 3.0 needs issuer.type Profile; name, url and email make it useful to a human
    (docs/standards.md#S-ob3-credential).

    An incomplete profile is a badge this verifier cannot read as meant, not a proof of forgery."""
    if not isinstance(issuer, dict):
        report.fail("issuer", "L'émetteur doit être décrit par un profil (objet issuer).", cause="unreadable")
        return
    if "Profile" not in as_list(issuer.get("type")):
        report.fail("issuer", "Le profil de l'émetteur n'a pas le type Profile.", cause="unreadable")
        return
    if not isinstance(issuer.get("name"), str) or not issuer["name"].strip():
        report.fail("issuer", "Le profil de l'émetteur n'a pas de nom.", cause="unreadable")
        return
    report.ok("issuer", f"Émetteur : {issuer['name']} ({issuer.get('id')}).")


def check_validity(valid_from: Any, valid_until: Any, *, now: datetime, report: Report) -> None:
    start = parse_datetime(valid_from) if isinstance(valid_from, str) else None
    if start is None:
        report.fail("validity", "Date de début de validité absente ou illisible.", cause="unreadable")
        return
    if start > now:
        report.lapse = Lapse("not_yet_valid", start)
        report.fail("validity", f"Ce badge n'est pas encore valide : il le sera le {french(start)}.")
        return
    if valid_until is not None:
        end = parse_datetime(valid_until) if isinstance(valid_until, str) else None
        if end is None:
            report.fail("validity", "Date de fin de validité illisible.", cause="unreadable")
            return
        if end < start:
            report.fail(
                "validity", "La date de fin de validité précède la date de début.", cause="unreadable"
            )
            return
        if end <= now:
            report.lapse = Lapse("expired", end)
            report.fail("validity", f"Ce badge a expiré le {french(end)}.")
            return
        report.ok("validity", f"Valide depuis le {french(start)}, jusqu'au {french(end)}.")
        return
    report.ok("validity", f"Valide depuis le {french(start)}, sans date de fin.")


def identity_matches(identity_hash: Any, salt: Any, email: str) -> bool:
    """Compare an OB identity hash ('sha256$hex' or 'md5$hex') with an e-mail address."""
    if not isinstance(identity_hash, str) or "$" not in identity_hash:
        return False
    algorithm, _, expected = identity_hash.partition("$")
    if algorithm not in ("sha256", "md5"):
        return False
    digest = hashlib.new(algorithm, (email.strip().lower() + (salt or "")).encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest, expected.lower())


def check_ob3_recipient(doc: dict[str, Any], email: str, report: Report) -> None:
    subject = doc.get("credentialSubject")
    identifiers = as_list(obj(subject).get("identifier"))
    for ident in identifiers:
        if not isinstance(ident, dict) or ident.get("identityType") != "emailAddress":
            continue
        if (
            ident.get("hashed") is False
            and str(ident.get("identityHash", "")).lower() == email.strip().lower()
        ):
            report.ok("recipient", "Le badge a bien été délivré à cette adresse e-mail.")
            return
        if identity_matches(ident.get("identityHash"), ident.get("salt"), email):
            report.ok("recipient", "Le badge a bien été délivré à cette adresse e-mail.")
            return
    report.fail("recipient", "Le badge n'a pas été délivré à cette adresse e-mail.")


def summarise_ob3(doc: dict[str, Any], report: Report) -> None:
    """What a person wants to read first; values are copied from the document, never trusted."""
    issuer = obj(doc.get("issuer"))
    subject = obj(doc.get("credentialSubject"))
    achievement = obj(subject.get("achievement"))
    image = achievement.get("image")
    report.summary = {
        "id": doc.get("id"),
        "name": achievement.get("name") or doc.get("name"),
        "description": achievement.get("description"),
        "issuer": {"id": issuer_id(doc), "name": issuer.get("name"), "url": issuer.get("url")},
        "issued_on": doc.get("validFrom"),
        "expires": doc.get("validUntil"),
        "image": image.get("id") if isinstance(image, dict) else image,
        "criteria": obj(achievement.get("criteria")).get("narrative"),
        "alignments": [
            {
                "code": a.get("targetCode"),
                "name": a.get("targetName"),
                "framework": a.get("targetFramework"),
                "url": a.get("targetUrl"),
            }
            for a in as_list(achievement.get("alignment"))
            if isinstance(a, dict)
        ],
    }
