"""Checks of an OB 2.0 assertion (docs/standards.md#S-ob2-hosted): hosted verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from badges.services.verification import common
from badges.services.verification.dates import parse_datetime
from badges.services.verification.report import Report
from badges.services.verification.sources import FetchError, Source, canonical_equal, get_json

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
            "Assertion Open Badges 2.0 incomplète : " + ", ".join(missing or ["type"]) + ".",
            cause="unreadable",
        )
        return
    report.ok("format", "Assertion Open Badges 2.0 hébergée.")
    if fetched:
        report.ok("hosted", "Lu à son adresse chez l'émetteur (vérification hébergée).")
    elif not _check_hosted_copy(doc, source, report):
        return
    context = load_context(doc, source=source, report=report)
    if context is None:
        return
    badge, issuer = context
    report.ok("status", "Non révoqué (l'émetteur publie toujours ce badge).")
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


def revoked_message(doc: dict[str, Any]) -> str:
    reason = revocation_reason(doc)
    return "Ce badge a été révoqué par son émetteur" + (f" : {reason}." if isinstance(reason, str) else ".")


def _check_hosted_copy(doc: dict[str, Any], source: Source, report: Report) -> bool:
    """Hosted verification: the issuer's copy at `id` is the reference (docs/standards.md#S-ob2-hosted)."""
    try:
        hosted = get_json(source, str(doc["id"]), allow_gone=True)
    except FetchError as exc:
        # Not found (made private, erased) or unreachable: nothing says the badge was altered.
        report.fail("hosted", f"L'émetteur ne publie pas ce badge : {exc}", cause=exc.cause)
        return False
    if hosted.get("revoked") is True:
        report.revoked(revoked_message(hosted), reason=revocation_reason(hosted))
        return False
    if not canonical_equal(hosted, doc):
        report.fail("hosted", "Le badge fourni diffère de celui publié par l'émetteur : il a été modifié.")
        return False
    report.ok("hosted", "Identique au badge publié par l'émetteur à son adresse.")
    return True


def _get(source: Source, url: Any, what: str, report: Report) -> dict[str, Any] | None:
    if not isinstance(url, str):
        report.fail("format", f"Le champ {what} doit être l'adresse du document.", cause="unreadable")
        return None
    try:
        return get_json(source, url)
    except FetchError as exc:
        name = "issuer" if what == "issuer" else "format"
        report.fail(name, f"Document {what} introuvable : {exc}", cause=exc.cause)
        return None


def _check_issuer(doc: dict[str, Any], issuer: dict[str, Any], report: Report) -> None:
    missing = [f for f in ("name", "url", "email") if not issuer.get(f)]
    if missing:
        # A sloppy profile is unreadable, not forged; a badge hosted outside the issuer's site is (below).
        report.fail(
            "issuer", "Profil de l'émetteur incomplet : " + ", ".join(missing) + ".", cause="unreadable"
        )
        return
    hosted = common.obj(doc.get("verification")).get("type") in ("HostedBadge", "hosted")
    if hosted and not _in_scope(str(doc["id"]), issuer):
        report.fail("issuer", "Le badge n'est pas hébergé à une adresse de l'émetteur.")
        return
    report.ok("issuer", f"Émetteur : {issuer['name']} ({issuer.get('id')}).")


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
        report.fail(
            "validity", "Date de délivrance (issuedOn) absente ou sans fuseau horaire.", cause="unreadable"
        )
        return
    common.check_validity(doc["issuedOn"], doc.get("expires"), now=now, report=report)


def _check_recipient(doc: dict[str, Any], email: str, report: Report) -> None:
    recipient = common.obj(doc.get("recipient"))
    if recipient.get("type") != "email":
        report.fail("recipient", "Ce badge n'a pas été délivré à une adresse e-mail.")
        return
    identity = recipient.get("identity")
    if recipient.get("hashed"):
        matched = common.identity_matches(identity, recipient.get("salt"), email)
    else:
        matched = isinstance(identity, str) and identity.lower() == email.strip().lower()
    if matched:
        report.ok("recipient", "Le badge a bien été délivré à cette adresse e-mail.")
    else:
        report.fail("recipient", "Le badge n'a pas été délivré à cette adresse e-mail.")


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
