"""Verifying a badge from any input: detect the format, run named checks, never raise on bad input.

Also owns the verification page's logic (``checking``). Offers nothing to the other domains (the web layer
calls it); reads this service's own documents through ``credentials.published``, never issuance.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from badges.services.shared import tracing
from badges.services.shared.messages import N_, Message, message
from badges.services.verification import baked, endorsement_checks, jws_checks, ob2_checks, ob3_checks
from badges.services.verification.inputs import (
    InputError,
    InputTooLarge,
    Parsed,
    from_bytes,
    from_text,
    from_value,
)
from badges.services.verification.report import Report
from badges.services.verification.sources import FetchError, Source, get_json

UNEXPECTED = message(
    "check.format.unexpected",
    N_("Erreur inattendue pendant la vérification : ce badge n'a pas pu être vérifié."),
)
READ = message("check.parse.read", N_("Badge lu."))
NOT_READ_AT_URL = message(
    "check.parse.not_read_at_url", N_("Impossible de lire le badge à cette adresse : %(error)s")
)
READ_AT_URL = message("check.parse.read_at_url", N_("Badge lu à son adresse."))
READ_AT_URL_VIA = message("check.parse.read_at_url_via", N_("%(via)s Badge lu à son adresse."))
NOT_A_BADGE = message(
    "check.format.not_a_badge", N_("Ce document n'est pas un badge Open Badges 2.0 ou 3.0.")
)

log = logging.getLogger(__name__)

__all__ = ["Report", "unreadable", "verify_bytes", "verify_value"]


def unreadable(said: Message, *, cause: str = "unreadable") -> Report:
    """The report for an input refused before reading (too large, malformed envelope, unknown code)."""
    report = Report()
    report.fail("parse", said, cause=cause)
    return report


def verify_value(value: Any, *, source: Source, now: datetime, email: str | None = None) -> Report:
    """A JSON value from the API: a credential object, or a string holding a URL, JWS or JSON."""
    return _guarded(lambda: from_value(value), source=source, now=now, email=email)


def verify_bytes(data: bytes, *, source: Source, now: datetime, email: str | None = None) -> Report:
    """An uploaded file: PNG, SVG, JSON or JWS text."""
    return _guarded(lambda: from_bytes(data), source=source, now=now, email=email)


def _guarded(parse: Any, *, source: Source, now: datetime, email: str | None) -> Report:
    report = Report()
    try:
        parsed = parse()
    except InputError as exc:
        report.fail("parse", exc.said, cause="too_large" if isinstance(exc, InputTooLarge) else "unreadable")
        return report
    try:
        _dispatch(parsed, source=source, now=now, email=email, report=report, via=None)
    except SQLAlchemyError:
        # This service's own database failing (down, restarting) is no verdict on the badge: the request
        # fails (503 at the edge) rather than report a good badge as unreadable.
        raise
    except Exception:  # the verifier reports, it never fails the request (design: verification output)
        log.exception("unexpected error while verifying a badge")
        report.fail(
            "format",
            UNEXPECTED,
            cause="unreadable",
        )
    # What was checked and the verdict; never the badge, whose subject may be a person's address.
    tracing.tell(log, "badge verified", key="verification", input=parsed.kind, valid=report.valid)
    return report


def _dispatch(
    parsed: Parsed, *, source: Source, now: datetime, email: str | None, report: Report, via: Message | None
) -> None:
    """`via` says where the badge was found (an image); `parse` is reported once, when the badge is read."""
    if parsed.kind == "url":
        doc = _fetch(parsed.value, source=source, report=report, via=via)
        if doc is not None:
            fetched = doc.get("id") == parsed.value
            _verify_json(doc, fetched=fetched, source=source, now=now, email=email, report=report)
    elif parsed.kind == "json":
        report.ok("parse", via or READ)
        _verify_json(parsed.value, fetched=False, source=source, now=now, email=email, report=report)
    elif parsed.kind == "jws":
        report.ok("parse", via or READ)
        jws_checks.verify_token(parsed.value, source=source, now=now, email=email, report=report)
    else:
        text = baked.extract(parsed.kind, parsed.value, report=report)
        if text is None:
            return
        try:
            inner = from_text(text)
        except InputError as exc:
            report.fail("parse", exc.said, cause="unreadable")
            return
        found = baked.found_in(parsed.kind)
        _dispatch(inner, source=source, now=now, email=email, report=report, via=found)


def _fetch(url: str, *, source: Source, report: Report, via: Message | None) -> dict[str, Any] | None:
    try:
        doc = get_json(source, url, allow_gone=True)
    except FetchError as exc:
        report.fail("parse", NOT_READ_AT_URL(error=exc.said), cause=exc.cause)
        return None
    report.ok("parse", READ_AT_URL_VIA(via=via) if via else READ_AT_URL)
    return doc


def _verify_json(
    doc: dict[str, Any], *, fetched: bool, source: Source, now: datetime, email: str | None, report: Report
) -> None:
    if ob3_checks.is_ob3(doc):
        ob3_checks.verify_ld(doc, source=source, now=now, report=report, email=email)
        report.endorsements = endorsement_checks.check_badge(doc, source=source, now=now)
    elif ob2_checks.is_ob2(doc):
        ob2_checks.verify_hosted(doc, fetched=fetched, source=source, now=now, report=report, email=email)
    else:
        report.fail("format", NOT_A_BADGE, cause="unreadable")
