"""Plain values shared by the OB 2.0 and OB 3.0 serialisers, built from models by the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

# JWK member marking a compromised key (a collision-resistant name, RFC 7517 §4), read by our verifier;
# JWKS documents leave such keys out altogether, so other verifiers fail closed.
JWK_COMPROMISED = "https://w3id.org/security#revoked"


# The local level scale (docs/domain.md#D-level-scale): code, label shown, FALC description.
LEVEL_SCALE = (
    ("N1", "Je découvre", "Je fais avec une personne à côté de moi."),
    ("N2", "Je fais seul, pas à pas", "Je fais seul. Je demande de l'aide si j'ai un problème."),
    ("N3", "Je me débrouille", "Je fais seul, même quand c'est un peu différent."),
    ("N4", "J'aide les autres", "Je règle les problèmes. Je peux expliquer à quelqu'un."),
)


def isoformat(moment: datetime) -> str:
    """ISO 8601 in UTC with a 'Z' (OB 2.0 needs a zone; OB 3.0 dateTime accepts Z)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class IssuerData:
    id: str
    name: str
    url: str
    email: str
    description: str = ""
    image: str | None = None


@dataclass(frozen=True)
class AlignmentData:
    name: str
    url: str
    framework: str
    code: str
    description: str = ""


@dataclass(frozen=True)
class ComponentData:
    """A badge a pathway badge is made of: its OB 3.0 Achievement and OB 2.0 BadgeClass URLs."""

    name: str
    achievement_url: str
    badge_url: str


@dataclass(frozen=True)
class PathwayData:
    """What makes a badge a pathway badge (badge de parcours): the pathway and its component badges."""

    title: str
    components: tuple[ComponentData, ...]
    at_least: int | None = None


@dataclass(frozen=True)
class BadgeClassData:
    id: str
    name: str
    description: str
    criteria_narrative: str
    criteria_url: str
    image_url: str
    level: str
    alignments: tuple[AlignmentData, ...] = ()
    tags: tuple[str, ...] = field(default_factory=tuple)
    pathway: PathwayData | None = None
    # The tiers-lieu that defined the class: OB 3.0 Achievement.creator (§B.1.1). It stays the same
    # whichever tiers-lieu awards a shared class, so the Achievement is the same in every credential.
    creator: IssuerData | None = None
