"""Checks shared by the OB 3.0 proof formats: shape, issuer, validity dates, recipient, summary."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from badges.services.shared.messages import N_, message
from badges.services.verification.dates import french, parse_datetime
from badges.services.verification.report import Lapse, Report

KEY_COMPROMISED = message(
    "check.key.compromised",
    N_(
        "La clé de signature a été déclarée compromise le %(date)s "
        "et ce badge a été signé après : il n'est pas fiable."
    ),
)
NOT_OB3 = message(
    "check.format.not_ob3", N_("Ce n'est pas un badge Open Badges 3.0 (type OpenBadgeCredential absent).")
)
MISSING_FIELDS = message("check.format.missing_fields", N_("Champs obligatoires absents : %(fields)s."))
OB3_FORMAT = message("check.format.ob3", N_("Badge Open Badges 3.0 (Verifiable Credential)."))
ISSUER_NOT_PROFILE = message(
    "check.issuer.not_profile", N_("L'émetteur doit être décrit par un profil (objet issuer).")
)
ISSUER_NOT_TYPED = message("check.issuer.not_typed", N_("Le profil de l'émetteur n'a pas le type Profile."))
ISSUER_NO_NAME = message("check.issuer.no_name", N_("Le profil de l'émetteur n'a pas de nom."))
ISSUER = message("check.issuer.ok", N_("Émetteur : %(name)s (%(id)s)."))
NO_START = message("check.validity.no_start", N_("Date de début de validité absente ou illisible."))
NOT_YET_VALID = message(
    "check.validity.not_yet", N_("Ce badge n'est pas encore valide : il le sera le %(date)s.")
)
BAD_END = message("check.validity.bad_end", N_("Date de fin de validité illisible."))
END_BEFORE_START = message(
    "check.validity.end_before_start", N_("La date de fin de validité précède la date de début.")
)
EXPIRED = message("check.validity.expired", N_("Ce badge a expiré le %(date)s."))
VALID_UNTIL = message("check.validity.until", N_("Valide depuis le %(start)s, jusqu'au %(end)s."))
VALID_FOREVER = message("check.validity.forever", N_("Valide depuis le %(start)s, sans date de fin."))
RECIPIENT_MATCHES = message("check.recipient.ok", N_("Le badge a bien été délivré à cette adresse e-mail."))
RECIPIENT_DIFFERS = message(
    "check.recipient.differs", N_("Le badge n'a pas été délivré à cette adresse e-mail.")
)

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
        KEY_COMPROMISED(date=french(compromised)),
    )
    return True


def check_ob3_shape(doc: dict[str, Any], report: Report) -> bool:
    """The few fields every later check relies on (the JSON Schema reports the rest)."""
    types = as_list(doc.get("type"))
    if "VerifiableCredential" not in types or not OB3_TYPES & set(types):
        report.fail(
            "format",
            NOT_OB3,
            cause="unreadable",
        )
        return False
    missing = [f for f in ("id", "issuer", "validFrom", "credentialSubject") if f not in doc]
    if missing or not issuer_id(doc):
        absent = ", ".join(missing or ["issuer.id"])
        report.fail("format", MISSING_FIELDS(fields=absent), cause="unreadable")
        return False
    report.ok("format", OB3_FORMAT)
    return True


def check_issuer_profile(issuer: Any, report: Report) -> None:
    """OB 3.0 needs issuer.type Profile; name, url and email make it useful to a human
    (docs/standards.md#S-ob3-credential).

    An incomplete profile is a badge this verifier cannot read as meant, not a proof of forgery."""
    if not isinstance(issuer, dict):
        report.fail("issuer", ISSUER_NOT_PROFILE, cause="unreadable")
        return
    if "Profile" not in as_list(issuer.get("type")):
        report.fail("issuer", ISSUER_NOT_TYPED, cause="unreadable")
        return
    if not isinstance(issuer.get("name"), str) or not issuer["name"].strip():
        report.fail("issuer", ISSUER_NO_NAME, cause="unreadable")
        return
    report.ok("issuer", ISSUER(name=issuer["name"], id=str(issuer.get("id"))))


def check_validity(valid_from: Any, valid_until: Any, *, now: datetime, report: Report) -> None:
    start = parse_datetime(valid_from) if isinstance(valid_from, str) else None
    if start is None:
        report.fail("validity", NO_START, cause="unreadable")
        return
    if start > now:
        report.lapse = Lapse("not_yet_valid", start)
        report.fail("validity", NOT_YET_VALID(date=french(start)))
        return
    if valid_until is not None:
        end = parse_datetime(valid_until) if isinstance(valid_until, str) else None
        if end is None:
            report.fail("validity", BAD_END, cause="unreadable")
            return
        if end < start:
            report.fail("validity", END_BEFORE_START, cause="unreadable")
            return
        if end <= now:
            report.lapse = Lapse("expired", end)
            report.fail("validity", EXPIRED(date=french(end)))
            return
        report.ok("validity", VALID_UNTIL(start=french(start), end=french(end)))
        return
    report.ok("validity", VALID_FOREVER(start=french(start)))


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
            report.ok("recipient", RECIPIENT_MATCHES)
            return
        if identity_matches(ident.get("identityHash"), ident.get("salt"), email):
            report.ok("recipient", RECIPIENT_MATCHES)
            return
    report.fail("recipient", RECIPIENT_DIFFERS)


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
