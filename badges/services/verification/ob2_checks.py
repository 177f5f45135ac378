"""Checks of an OB 2.0 assertion (docs/standards.md#S-ob2-hosted): hosted verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from badges.services.shared.messages import N_, Message, message
from badges.services.verification import common
from badges.services.verification.dates import parse_datetime
from badges.services.verification.report import Report, revoked_by_issuer
from badges.services.verification.sources import FetchError, Source, canonical_equal, get_json

INCOMPLETE = message("check.format.ob2_incomplete", N_("Assertion Open Badges 2.0 incomplète : %(fields)s."))
OB2_HOSTED = message("check.format.ob2_hosted", N_("Assertion Open Badges 2.0 hébergée."))
READ_AT_ISSUER = message(
    "check.hosted.read_at_issuer", N_("Lu à son adresse chez l'émetteur (vérification hébergée).")
)
STILL_PUBLISHED = message(
    "check.status.still_published", N_("Non révoqué (l'émetteur publie toujours ce badge).")
)
NOT_HOSTED = message("check.hosted.not_hosted", N_("L'émetteur ne publie pas ce badge : %(error)s"))
DIFFERS = message(
    "check.hosted.differs", N_("Le badge fourni diffère de celui publié par l'émetteur : il a été modifié.")
)
SAME_AS_HOSTED = message("check.hosted.same", N_("Identique au badge publié par l'émetteur à son adresse."))
NOT_A_URL = message("check.format.not_a_url", N_("Le champ %(field)s doit être l'adresse du document."))
NOT_FOUND = message("check.format.document_not_found", N_("Document %(field)s introuvable : %(error)s"))
PROFILE_INCOMPLETE = message("check.issuer.incomplete", N_("Profil de l'émetteur incomplet : %(fields)s."))
OUT_OF_SCOPE = message(
    "check.issuer.out_of_scope", N_("Le badge n'est pas hébergé à une adresse de l'émetteur.")
)
NO_ISSUED_ON = message(
    "check.validity.no_issued_on", N_("Date de délivrance (issuedOn) absente ou sans fuseau horaire.")
)
NOT_BY_EMAIL = message(
    "check.recipient.not_by_email", N_("Ce badge n'a pas été délivré à une adresse e-mail.")
)

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
REQUIRED = ("id", "type", "recipient", "badge", "verification", "issuedOn")


def is_ob2(doc: dict[str, Any]) -> bool:
    return OB2_CONTEXT in common.as_list(doc.get("@context")) or "Assertion" in common.as_list(
        doc.get("type")
    )


def verify_hosted(
    doc: dict[str, Any], *, fetched: bool, source: Source, now: datetime, report: Report, email: str | None
) -> None:
    """`fetched` is true when `doc` was just read from its own id (a URL was given)."""
    report.format = "ob2-hosted"
    if doc.get("revoked") is True:
        report.revoked(revoked_message(doc), reason=revocation_reason(doc))
        return
    missing = [f for f in REQUIRED if f not in doc]
    if missing or "Assertion" not in common.as_list(doc.get("type")):
        report.fail(
            "format",
            INCOMPLETE(fields=", ".join(missing or ["type"])),
            cause="unreadable",
        )
        return
    report.ok("format", OB2_HOSTED)
    if fetched:
        report.ok("hosted", READ_AT_ISSUER)
    elif not _check_hosted_copy(doc, source, report):
        return
    context = load_context(doc, source=source, report=report)
    if context is None:
        return
    badge, issuer = context
    report.ok("status", STILL_PUBLISHED)
    check_common(doc, badge, issuer, now=now, email=email, report=report)


def load_context(
    doc: dict[str, Any], *, source: Source, report: Report
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The BadgeClass and the issuer Profile the assertion points to, or None (reported)."""
    badge = _get(source, doc.get("badge"), "badge", report)
    issuer = _get(source, badge.get("issuer"), "issuer", report) if badge else None
    if badge is None or issuer is None:
        return None
    return badge, issuer


def check_common(
    doc: dict[str, Any],
    badge: dict[str, Any],
    issuer: dict[str, Any],
    *,
    now: datetime,
    email: str | None,
    report: Report,
) -> None:
    """Checks shared by hosted and signed assertions: issuer, dates, recipient; fills the summary."""
    _summarise(doc, badge, issuer, report)
    _check_issuer(doc, issuer, report)
    _check_dates(doc, now, report)
    if email is not None:
        _check_recipient(doc, email, report)


def revocation_reason(doc: dict[str, Any]) -> str | None:
    reason = doc.get("revocationReason")
    return reason if isinstance(reason, str) and reason.strip() else None


def revoked_message(doc: dict[str, Any]) -> Message:
    return revoked_by_issuer(revocation_reason(doc))


def _check_hosted_copy(doc: dict[str, Any], source: Source, report: Report) -> bool:
    """Hosted verification: the issuer's copy at `id` is the reference (docs/standards.md#S-ob2-hosted)."""
    try:
        hosted = get_json(source, str(doc["id"]), allow_gone=True)
    except FetchError as exc:
        # Not found (made private, erased) or unreachable: nothing says the badge was altered.
        report.fail("hosted", NOT_HOSTED(error=exc.said), cause=exc.cause)
        return False
    if hosted.get("revoked") is True:
        report.revoked(revoked_message(hosted), reason=revocation_reason(hosted))
        return False
    if not canonical_equal(hosted, doc):
        report.fail("hosted", DIFFERS)
        return False
    report.ok("hosted", SAME_AS_HOSTED)
    return True


def _get(source: Source, url: Any, what: str, report: Report) -> dict[str, Any] | None:
    if not isinstance(url, str):
        report.fail("format", NOT_A_URL(field=what), cause="unreadable")
        return None
    try:
        return get_json(source, url)
    except FetchError as exc:
        name = "issuer" if what == "issuer" else "format"
        report.fail(name, NOT_FOUND(field=what, error=exc.said), cause=exc.cause)
        return None


def _check_issuer(doc: dict[str, Any], issuer: dict[str, Any], report: Report) -> None:
    missing = [f for f in ("name", "url", "email") if not issuer.get(f)]
    if missing:
        # A sloppy profile is unreadable, not forged; a badge hosted outside the issuer's site is (below).
        report.fail("issuer", PROFILE_INCOMPLETE(fields=", ".join(missing)), cause="unreadable")
        return
    hosted = common.obj(doc.get("verification")).get("type") in ("HostedBadge", "hosted")
    if hosted and not _in_scope(str(doc["id"]), issuer):
        report.fail("issuer", OUT_OF_SCOPE)
        return
    report.ok("issuer", common.ISSUER(name=issuer["name"], id=str(issuer.get("id"))))


def _in_scope(assertion_id: str, issuer: dict[str, Any]) -> bool:
    """Same origin as the issuer profile, or the issuer's allowedOrigins / startsWith
    (docs/standards.md#S-ob2-hosted)."""
    verification = common.obj(issuer.get("verification"))
    starts = common.as_list(verification.get("startsWith"))
    if starts:
        return any(isinstance(s, str) and assertion_id.startswith(s) for s in starts)
    origin = urlsplit(assertion_id).netloc
    allowed = common.as_list(verification.get("allowedOrigins")) or [urlsplit(str(issuer.get("id"))).netloc]
    return origin in allowed


def _check_dates(doc: dict[str, Any], now: datetime, report: Report) -> None:
    issued = parse_datetime(doc["issuedOn"]) if isinstance(doc.get("issuedOn"), str) else None
    if issued is None:
        report.fail("validity", NO_ISSUED_ON, cause="unreadable")
        return
    common.check_validity(doc["issuedOn"], doc.get("expires"), now=now, report=report)


def _check_recipient(doc: dict[str, Any], email: str, report: Report) -> None:
    recipient = common.obj(doc.get("recipient"))
    if recipient.get("type") != "email":
        report.fail("recipient", NOT_BY_EMAIL)
        return
    identity = recipient.get("identity")
    if recipient.get("hashed"):
        matched = common.identity_matches(identity, recipient.get("salt"), email)
    else:
        matched = isinstance(identity, str) and identity.lower() == email.strip().lower()
    if matched:
        report.ok("recipient", common.RECIPIENT_MATCHES)
    else:
        report.fail("recipient", common.RECIPIENT_DIFFERS)


def _summarise(doc: dict[str, Any], badge: dict[str, Any], issuer: dict[str, Any], report: Report) -> None:
    report.summary = {
        "id": doc.get("id"),
        "name": badge.get("name"),
        "description": badge.get("description"),
        "issuer": {"id": issuer.get("id"), "name": issuer.get("name"), "url": issuer.get("url")},
        "issued_on": doc.get("issuedOn"),
        "expires": doc.get("expires"),
        "image": badge.get("image") if isinstance(badge.get("image"), str) else None,
        "criteria": common.obj(badge.get("criteria")).get("narrative"),
        "alignments": [
            {
                "code": a.get("targetCode"),
                "name": a.get("targetName"),
                "framework": a.get("targetFramework"),
                "url": a.get("targetUrl"),
            }
            for a in common.as_list(badge.get("alignment"))
            if isinstance(a, dict)
        ],
    }
