"""The verification page: what to verify for what was given, and the answer in the order people read it.

A claim code (typed from a certificate, or in its QR code) and a share link name a badge of this
service: what is verified then is that badge's signed OB 3.0 document, through every check, exactly as
if its file had been uploaded. Anything else goes to the verifier as given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Credential
from badges.services.credentials import sharing
from badges.services.credentials.links import Links, credential_urn
from badges.services.shared.messages import N_, Translate, french, message
from badges.services.verification import Report, unreadable
from badges.services.verification.dates import parse_datetime
from badges.services.verification.report import CHECK_ORDER, FORGED, LAPSED, VALID, Lapse

# The failure that explains the verdict best, when several checks failed.
REASON_PRIORITY = ("parse", "format", "signature", "key", "hosted", "contexts", "schema", "issuer",
                   "status", "validity", "recipient")  # fmt: skip
UNKNOWN_CODE = message(
    "verify.unknown_code",
    N_("Aucun badge ne correspond à ce code. Vérifiez chaque lettre et chaque chiffre."),
)
ERASED = message("verify.erased", N_("Badge effacé à la demande de son titulaire. Il n'est plus valable."))
LINK_GONE = message(
    "verify.share_link_gone", N_("Ce lien de partage n'est plus valable : il a expiré ou il a été arrêté.")
)
LINK_UNKNOWN = message(
    "verify.share_link_unknown", N_("Ce lien de partage n'existe pas. Vérifiez qu'il est complet.")
)
_SHARE_PATH = re.compile(r"^/partage/([A-Za-z0-9_-]{43})/?$")


def _stored(credential: Credential) -> tuple[Any, Report | None]:
    if credential.erased_at is not None or credential.ob3_credential is None:
        report = Report()
        report.revoked(ERASED, at=credential.erased_at)
        return None, report
    return json.loads(credential.ob3_credential), None


def by_code(session: Session, code: str, *, ip: str, now: datetime) -> tuple[Any, Report | None]:
    """The badge of a claim code; unknown codes count against the address (the caller commits)."""
    credential = sharing.guarded_claim_code(session, code, ip=ip, now=now)
    if credential is None:
        return None, unreadable(UNKNOWN_CODE, cause="code")
    return _stored(credential)


def share_token(links: Links, text: str) -> str | None:
    if not links.is_local(text) or "?" in text:
        return None
    match = _SHARE_PATH.match(links.local_path(text))
    return match.group(1) if match else None


def is_code(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) <= 20 and sharing.normalise_code(stripped) is not None


def resolve_text(
    session: Session, links: Links, text: str, *, ip: str, now: datetime
) -> tuple[Any, Report | None]:
    """(value to verify, None), or (None, the report already decided) for a code or a share link."""
    stripped = text.strip()
    if is_code(stripped):
        return by_code(session, stripped, ip=ip, now=now)
    token = share_token(links, stripped)
    if token is not None:
        credential, state = sharing.shared(session, token, now=now)
        if credential is None:
            return None, unreadable({"gone": LINK_GONE, "unknown": LINK_UNKNOWN}[state], cause="not_found")
        return _stored(credential)
    return stripped, None


def add_revocation_date(session: Session | Callable[[], Session], links: Links, report: Report) -> None:
    """A badge of this service revoked through its status list: the register knows when, the list not.
    `session` may be a function giving it, called only when the register is read."""
    lapse, summary = report.lapse, report.summary or {}
    issuer: dict[str, Any] = summary["issuer"] if isinstance(summary.get("issuer"), dict) else {}
    if report.outcome != LAPSED or lapse is None or lapse.kind != "revoked" or lapse.date is not None:
        return
    if not isinstance(issuer.get("id"), str) or not links.is_local(issuer["id"]):
        return  # another issuer's badge: only what it published is said
    found = _own_credential(session if isinstance(session, Session) else session(), links, summary.get("id"))
    if found is not None and found.revoked_at is not None:
        report.lapse = Lapse("revoked", found.revoked_at, lapse.reason or found.revocation_reason)


def _own_credential(session: Session, links: Links, badge_id: Any) -> Credential | None:
    if not isinstance(badge_id, str):
        return None
    public_id = badge_id.removeprefix(credential_urn(""))
    if links.is_local(badge_id):
        public_id = links.local_path(badge_id).rsplit("/", 1)[-1]
    if not re.fullmatch(r"[0-9a-f-]{36}", public_id):
        return None
    return session.scalars(select(Credential).where(Credential.public_id == public_id)).first()


def answer(report: Report, translate: Translate = french) -> dict[str, Any]:
    """The verdict first, then the badge in plain words, then every named check (said with `translate`)."""
    order = {name: i for i, name in enumerate(CHECK_ORDER)}
    checks = sorted(report.checks, key=lambda c: order.get(c.name, len(order)))
    failed = {c.name: c for c in reversed(checks) if not c.passed}
    reason = next((failed[name] for name in REASON_PRIORITY if name in failed), None)
    if reason is None and failed:
        reason = next(iter(failed.values()))
    summary = report.summary or {}
    issuer: dict[str, Any] = summary["issuer"] if isinstance(summary.get("issuer"), dict) else {}
    description: str = summary["description"] if isinstance(summary.get("description"), str) else ""
    lapse = report.lapse if report.outcome == LAPSED else None
    return {
        "valid": report.valid,
        "outcome": report.outcome,
        # Confirmed (valid or lapsed), disproved (forged), or unknown (None): only confirmed facts are shown.
        "authentic": {VALID: True, LAPSED: True, FORGED: False}.get(report.outcome),
        "cause": report.cause,
        "lapse": lapse,
        "format": report.format,
        "reason": {"check": reason.name, "message": reason.said.render(translate), "code": reason.code}
        if reason
        else None,
        "name": summary.get("name") if isinstance(summary.get("name"), str) else None,
        "issuer": issuer.get("name") if isinstance(issuer.get("name"), str) else None,
        "issued_at": _date(summary.get("issued_on")),
        "expires": _date(summary.get("expires")),
        "meaning": [line for line in re.split(r"(?<=[.!?])\s+", description.strip()) if line],
        "skills": [a for a in summary.get("alignments") or [] if isinstance(a, dict) and a.get("name")],
        "checks": [c.to_dict(translate) for c in checks],
        "endorsements": [e.to_dict(translate) for e in report.endorsements],
    }


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None
