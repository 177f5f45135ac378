"""The verification report: small named checks, each passed or failed with a Message; one verdict.

Messages carry a code and a French template; `to_dict(translate)` says them in the reader's language (the
web layer passes its gettext, the CLI none: French).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from badges.services.shared.messages import N_, Message, Translate, french, message

# The fixed vocabulary of check names, in the order a report lists them.
CHECK_ORDER = (
    "parse",
    "format",
    "contexts",
    "schema",
    "signature",
    "key",
    "issuer",
    "hosted",
    "recipient",
    "status",
    "validity",
)

# The four verdicts. Only FORGED says "not authentic": a badge we could not check is never called a fake.
VALID = "valid"
LAPSED = "revoked_or_expired"
FORGED = "forged"
UNVERIFIABLE = "unverifiable"
OUTCOMES = (VALID, LAPSED, FORGED, UNVERIFIABLE)
# A failure of these (with no cause outside the badge) proves the signature or the content was tampered with.
TAMPERING = {"signature", "key", "issuer", "hosted"}
# A failure of these (with no cause) is a fact the issuer states: revoked, erased, expired, not yet valid.
LAPSING = {"status", "validity"}
# Why a check could not conclude; the page turns each into what to do.
CAUSES = ("network", "not_found", "unreadable", "too_large", "code", "recipient")


@dataclass
class Check:
    name: str
    passed: bool
    said: Message
    # Set when the check failed for a reason outside the badge (unreachable, not found, unreadable).
    cause: str | None = None

    @property
    def message(self) -> str:
        """The French text (CLI, logs)."""
        return self.said.french

    @property
    def code(self) -> str:
        return self.said.code

    def to_dict(self, translate: Translate = french) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.said.render(translate),
            "code": self.said.code,
        }


@dataclass
class Lapse:
    """What the issuer says ended (or has not started) the badge's validity."""

    kind: str  # "revoked", "expired" or "not_yet_valid"
    date: datetime | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat().replace("+00:00", "Z") if self.date else None
        return {"kind": self.kind, "date": date, "reason": self.reason}


@dataclass
class Report:
    format: str = "inconnu"
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    lapse: Lapse | None = None
    # The badge's endorsements (endorsement_checks.EndorsementResult), each with its own named checks; they
    # never take part in `valid`: a forged or withdrawn one is only not counted (issue 16).
    endorsements: list[Any] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Valid only when there is at least one check and none failed."""
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def outcome(self) -> str:
        """Forged wins over lapsed, lapsed over cannot-be-checked: each is a stronger fact than the next."""
        if self.valid:
            return VALID
        failed = [c for c in self.checks if not c.passed]
        if any(c.name in TAMPERING and c.cause is None for c in failed):
            return FORGED
        if any(c.name in LAPSING and c.cause is None for c in failed):
            return LAPSED
        return UNVERIFIABLE

    @property
    def cause(self) -> str | None:
        """Why the badge could not be checked (only for that verdict): the first failure's cause."""
        if self.outcome != UNVERIFIABLE:
            return None
        for check in self.checks:
            if not check.passed:
                return check.cause or ("recipient" if check.name == "recipient" else "unreadable")
        return "unreadable"

    def ok(self, name: str, said: Message) -> None:
        self.checks.append(Check(name, True, said))

    def fail(self, name: str, said: Message, *, cause: str | None = None) -> None:
        if cause is not None and cause not in CAUSES:
            raise ValueError(f"unknown cause: {cause}")
        self.checks.append(Check(name, False, said, cause))

    def revoked(self, said: Message, *, reason: str | None = None, at: datetime | None = None) -> None:
        self.lapse = Lapse("revoked", at, reason)
        self.fail("status", said)

    def failed(self, name: str) -> bool:
        return any(c.name == name and not c.passed for c in self.checks)

    def to_dict(self, translate: Translate = french) -> dict[str, Any]:
        order = {name: i for i, name in enumerate(CHECK_ORDER)}
        checks = sorted(self.checks, key=lambda c: order.get(c.name, len(order)))
        return {
            "valid": self.valid,
            "outcome": self.outcome,
            "cause": self.cause,
            "lapse": self.lapse.to_dict() if self.lapse and self.outcome == LAPSED else None,
            "format": self.format,
            "checks": [c.to_dict(translate) for c in checks],
            "endorsements": [e.to_dict(translate) for e in self.endorsements],
            "credential": self.summary,
        }


REVOKED = message("check.status.revoked", N_("Ce badge a été révoqué par son émetteur."))
REVOKED_BECAUSE = message(
    "check.status.revoked_because", N_("Ce badge a été révoqué par son émetteur : %(reason)s.")
)


def revoked_by_issuer(reason: str | None) -> Message:
    """The verdict of a revocation, with the issuer's own words when it gave some."""
    return REVOKED_BECAUSE(reason=reason) if reason else REVOKED
