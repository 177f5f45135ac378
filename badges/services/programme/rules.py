"""Issuance rules declared per badge class: small rule types registered by name, combined with AND.

A class's `rule` is a list such as
    [{"type": "competences_acquired", "level": "N2", "competencies": [12, 13], "at_least": 2},
     {"type": "min_attendance", "ateliers": 3}]
stored with competency ids; the API reads and writes competences as `<framework slug>:<code>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Competency
from badges.services.openbadges.common import LEVEL_SCALE
from badges.services.programme import frameworks
from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message
from badges.services.shared.validation import LEVELS, NOT_A_CHOICE

INTEGER_BETWEEN = message("rule.integer_between", N_("Nombre entier entre %(low)s et %(high)s attendu."))
UNKNOWN_PARAMETER = message("rule.unknown_parameter", N_("Paramètre inconnu pour cette règle."))
COMPETENCIES_LIST = message("rule.competencies_list", N_("Liste de 1 à 30 compétences connues attendue."))
BADGE_COMPETENCIES = message(
    "rule.badge_competencies", N_("Les compétences de la règle sont celles du badge.")
)
ATELIERS_OR_HOURS = message(
    "rule.ateliers_or_hours", N_("Indiquez « ateliers » (nombre d'ateliers) ou « hours » (heures).")
)
RULE_TYPE = message("rule.type", N_("Type de règle attendu : %(types)s."))
RULES_LIST = message("rule.list", N_("Liste de %(max)s règles au plus attendue."))

LEVEL_LABELS = {code: label for code, label, _ in LEVEL_SCALE}
MAX_RULES = 5


def rank(level: str | None) -> int:
    """Position on the local scale, 0 when not evaluated."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


@dataclass(frozen=True)
class Facts:
    """What the rules read about one beneficiary."""

    # Competency id -> result of the latest evaluation by staff (self-assessments never count).
    staff_levels: dict[int, str] = field(default_factory=dict)
    ateliers: int = 0
    minutes: int = 0


@dataclass
class Context:
    """What parsing a rule needs: competence references and the class it is declared on."""

    resolver: frameworks.Resolver
    class_competencies: list[Competency]
    errors: dict[str, Message] = field(default_factory=dict)


@dataclass(frozen=True)
class Shortfall:
    """One reason a badge is not issued, as data (the screens word it, in French first).

    kind: "competence" (`subject` not at `level`), "some_competences" (`needed` more of `subject` at
    `level`), "ateliers" / "hours" (`done` of `needed`), "consent" (the person has not agreed yet),
    "already" (the person holds it already), "manual" (the class is only awarded by hand).
    """

    kind: str
    subject: str = ""
    level: str = ""
    needed: int = 0
    done: int = 0


class RuleType(Protocol):
    name: str

    def parse(self, data: dict[str, Any], ctx: Context, prefix: str) -> dict[str, Any]: ...

    def holds(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> bool: ...

    def shortfalls(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> list[Shortfall]: ...

    def describe(self, params: dict[str, Any], badge: BadgeClass) -> str: ...


REGISTRY: dict[str, RuleType] = {}


def register(rule_type: Callable[[], RuleType]) -> Callable[[], RuleType]:
    instance = rule_type()
    REGISTRY[instance.name] = instance
    return rule_type


def _int(data: dict[str, Any], name: str, low: int, high: int, ctx: Context, prefix: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        ctx.errors[f"{prefix}.{name}"] = INTEGER_BETWEEN(low=low, high=high)
        return None
    return value


def _unknown_keys(data: dict[str, Any], allowed: set[str], ctx: Context, prefix: str) -> None:
    for key in sorted(set(data) - allowed - {"type"}):
        ctx.errors[f"{prefix}.{key}"] = UNKNOWN_PARAMETER


@register
class CompetencesAcquired:
    """Every listed competence (or `at_least` of them) reached the level in an evaluation by staff."""

    name = "competences_acquired"

    def parse(self, data: dict[str, Any], ctx: Context, prefix: str) -> dict[str, Any]:
        _unknown_keys(data, {"level", "competencies", "at_least"}, ctx, prefix)
        params: dict[str, Any] = {"type": self.name}
        if "level" in data:
            if data["level"] not in LEVELS:
                ctx.errors[f"{prefix}.level"] = NOT_A_CHOICE(choices=", ".join(LEVELS))
            params["level"] = data["level"]
        count = len(ctx.class_competencies)
        if "competencies" in data:
            refs = data["competencies"]
            found = [ctx.resolver.resolve(r) for r in refs] if isinstance(refs, list) else []
            if not refs or not isinstance(refs, list) or None in found or len(refs) > 30:
                ctx.errors[f"{prefix}.competencies"] = COMPETENCIES_LIST
            elif any(c not in ctx.class_competencies for c in found):
                ctx.errors[f"{prefix}.competencies"] = BADGE_COMPETENCIES
            params["competencies"] = sorted({c.id for c in found if c is not None})
            count = len(params["competencies"])
        at_least = _int(data, "at_least", 1, max(count, 1), ctx, prefix)
        if at_least is not None:
            params["at_least"] = at_least
        return params

    def required(self, params: dict[str, Any], badge: BadgeClass) -> list[int]:
        return list(params.get("competencies") or [c.id for c in badge.competencies])

    def holds(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> bool:
        required = self.required(params, badge)
        level = rank(params.get("level") or badge.level)
        reached = sum(1 for cid in required if rank(facts.staff_levels.get(cid)) >= level)
        return bool(required) and reached >= params.get("at_least", len(required))

    def shortfalls(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> list[Shortfall]:
        required = self.required(params, badge)
        level = params.get("level") or badge.level
        names = {c.id: c.short_label for c in badge.competencies}
        unmet = [cid for cid in required if rank(facts.staff_levels.get(cid)) < rank(level)]
        needed = params.get("at_least", len(required)) - (len(required) - len(unmet))
        if needed <= 0:
            return []
        if needed == len(unmet):
            return [Shortfall("competence", subject=names.get(cid, str(cid)), level=level) for cid in unmet]
        listed = ", ".join(names.get(cid, str(cid)) for cid in unmet)
        return [Shortfall("some_competences", subject=listed, level=level, needed=needed)]

    def describe(self, params: dict[str, Any], badge: BadgeClass) -> str:
        level = params.get("level") or badge.level
        total = len(self.required(params, badge))
        which = (
            f"au moins {params['at_least']} des {total}" if params.get("at_least", total) < total else "les"
        )
        return (
            f"Avoir montré à un médiateur, au niveau {level} ({LEVEL_LABELS[level]}) ou plus, "
            f"{which} compétences suivantes (une auto-évaluation seule ne suffit pas)."
        )


COMPETENCES_ACQUIRED = CompetencesAcquired()


@register
class MinAttendance:
    """A minimum number of ateliers attended, or of hours of ateliers (both when both are given)."""

    name = "min_attendance"

    def parse(self, data: dict[str, Any], ctx: Context, prefix: str) -> dict[str, Any]:
        _unknown_keys(data, {"ateliers", "hours"}, ctx, prefix)
        params: dict[str, Any] = {"type": self.name}
        ateliers = _int(data, "ateliers", 1, 500, ctx, prefix)
        hours = _int(data, "hours", 1, 2000, ctx, prefix)
        # Asked for only when neither was given (a bad value has its own message; other rules' errors
        # must not hide this one).
        given_badly = any(f"{prefix}.{name}" in ctx.errors for name in ("ateliers", "hours"))
        if ateliers is None and hours is None and not given_badly:
            ctx.errors[prefix] = ATELIERS_OR_HOURS
        params.update({k: v for k, v in (("ateliers", ateliers), ("hours", hours)) if v is not None})
        return params

    def holds(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> bool:
        return facts.ateliers >= params.get("ateliers", 0) and facts.minutes >= 60 * params.get("hours", 0)

    def shortfalls(self, params: dict[str, Any], badge: BadgeClass, facts: Facts) -> list[Shortfall]:
        found = []
        if facts.ateliers < params.get("ateliers", 0):
            found.append(Shortfall("ateliers", needed=params["ateliers"], done=facts.ateliers))
        if facts.minutes < 60 * params.get("hours", 0):
            found.append(Shortfall("hours", needed=params["hours"], done=facts.minutes // 60))
        return found

    def describe(self, params: dict[str, Any], badge: BadgeClass) -> str:
        parts = []
        if "ateliers" in params:
            parts.append(f"au moins {params['ateliers']} ateliers")
        if "hours" in params:
            parts.append(f"au moins {params['hours']} heures d'ateliers")
        return "Avoir participé à " + " et ".join(parts) + "."


def parse(session: Session, raw: Any, *, class_competencies: list[Competency]) -> list[dict[str, Any]]:
    """Validate a rule list (empty: the class is only awarded by hand); InvalidInput names each bad part."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_RULES:
        raise InvalidInput({"rule": RULES_LIST(max=MAX_RULES)})
    ctx = Context(frameworks.Resolver(session), class_competencies)
    parsed = []
    for position, item in enumerate(raw):
        prefix = f"rule[{position}]"
        rule_type = REGISTRY.get(str(item.get("type"))) if isinstance(item, dict) else None
        if rule_type is None or not isinstance(item, dict):
            ctx.errors[prefix] = RULE_TYPE(types=", ".join(sorted(REGISTRY)))
            continue
        parsed.append(rule_type.parse(item, ctx, prefix))
    if ctx.errors:
        raise InvalidInput(ctx.errors)
    return parsed


def holds(badge: BadgeClass, facts: Facts) -> bool:
    """All the class's rules hold (a class without rules is never awarded automatically)."""
    rule = badge.rule or []
    return bool(rule) and all(REGISTRY[p["type"]].holds(p, badge, facts) for p in rule)


def shortfalls(badge: BadgeClass, facts: Facts) -> list[Shortfall]:
    """Why the class's rules do not hold yet (empty when they hold; "manual" when it has none)."""
    rule = badge.rule or []
    if not rule:
        return [Shortfall("manual")]
    return [found for p in rule for found in REGISTRY[p["type"]].shortfalls(p, badge, facts)]


def describe(badge: BadgeClass) -> list[str]:
    return [REGISTRY[p["type"]].describe(p, badge) for p in badge.rule or []]


def required_competencies(badge: BadgeClass) -> set[int]:
    """Competences whose results the rules read (the class's own ones when no rule names any)."""
    found = {c.id for c in badge.competencies}
    for params in badge.rule or []:
        if params["type"] == CompetencesAcquired.name:
            found |= set(COMPETENCES_ACQUIRED.required(params, badge))
    return found


def to_json(session: Session, rule: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rule as the API shows it, competences named `<framework slug>:<code>`."""
    ids = {cid for params in rule for cid in params.get("competencies", [])}
    names = {c.id: c.ref for c in session.scalars(select(Competency).where(Competency.id.in_(ids)))}
    return [
        {**params, "competencies": [names[c] for c in params["competencies"]]}
        if "competencies" in params
        else params
        for params in rule
    ]
