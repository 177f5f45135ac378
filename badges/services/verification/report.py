"""The verification report: small named checks, each passed or failed with a French message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class Check:
    name: str
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class Report:
    format: str = "inconnu"
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Valid only when there is at least one check and none failed."""
        return bool(self.checks) and all(c.passed for c in self.checks)

    def ok(self, name: str, message: str) -> None:
        self.checks.append(Check(name, True, message))

    def fail(self, name: str, message: str) -> None:
        self.checks.append(Check(name, False, message))

    def failed(self, name: str) -> bool:
        return any(c.name == name and not c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        order = {name: i for i, name in enumerate(CHECK_ORDER)}
        checks = sorted(self.checks, key=lambda c: order.get(c.name, len(order)))
        return {
            "valid": self.valid,
            "format": self.format,
            "checks": [c.to_dict() for c in checks],
            "credential": self.summary,
        }
