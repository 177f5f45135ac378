"""Competency frameworks: storage and lookups by reference (framework_io imports, exports and ships them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Competency, CompetencyAlignment, Framework
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.messages import N_, message

FRAMEWORK_NOT_FOUND = message("framework.not_found", N_("Référentiel introuvable."))
UNKNOWN_COMPETENCIES = message("framework.unknown_competencies", N_("Compétences inconnues : %(codes)s."))

KINDS = ("reference", "profile")
ROLES = ("principal", "secondaire")


@dataclass
class AlignmentSpec:
    target: Competency
    role: str


@dataclass
class CompetencySpec:
    code: str
    title: str
    area: str = ""
    falc_description: str = ""
    level: str | None = None
    criteria: list[str] = field(default_factory=list)
    alignments: list[AlignmentSpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    """A validated framework, ready to be written (see framework_io for validation)."""

    slug: str
    version: str
    name: str
    kind: str
    description: str = ""
    source_url: str | None = None
    profile: str | None = None
    competencies: list[CompetencySpec] = field(default_factory=list)


def create_framework(session: Session, spec: FrameworkSpec) -> Framework:
    framework = Framework(
        slug=spec.slug,
        version=spec.version,
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        source_url=spec.source_url,
        profile=spec.profile,
    )
    for position, item in enumerate(spec.competencies):
        competency = Competency(
            code=item.code,
            title=item.title,
            area=item.area,
            falc_description=item.falc_description,
            level=item.level,
            criteria=list(item.criteria),
            position=position,
        )
        competency.alignments = [
            CompetencyAlignment(target=a.target, role=a.role, position=n)
            for n, a in enumerate(item.alignments)
        ]
        framework.competencies.append(competency)
    session.add(framework)
    return framework


def find(session: Session, slug: str, version: str | None = None) -> Framework | None:
    """A framework by slug, the given version or else the latest one."""
    query = select(Framework).where(Framework.slug == slug)
    if version is not None:
        query = query.where(Framework.version == version)
    return session.scalars(query.order_by(Framework.id.desc())).first()


def latest(session: Session, slug: str, version: str | None = None) -> Framework:
    found = find(session, slug, version)
    if found is None:
        raise NotFound(FRAMEWORK_NOT_FOUND)
    return found


def all_latest(session: Session) -> list[Framework]:
    """The latest version of every framework, by slug."""
    latest_by_slug: dict[str, Framework] = {}
    for framework in session.scalars(select(Framework).order_by(Framework.id)):
        latest_by_slug[framework.slug] = framework
    return sorted(latest_by_slug.values(), key=lambda f: (f.kind != "reference", f.slug))


def versions(session: Session, slug: str) -> list[str]:
    return list(
        session.scalars(select(Framework.version).where(Framework.slug == slug).order_by(Framework.id))
    )


class Resolver:
    """Resolves `<framework slug>:<code>` references against the latest version of each framework."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._codes: dict[str, dict[str, Competency] | None] = {}

    def framework_codes(self, slug: str) -> dict[str, Competency] | None:
        if slug not in self._codes:
            framework = find(self.session, slug)
            self._codes[slug] = {c.code: c for c in framework.competencies} if framework else None
        return self._codes[slug]

    def resolve(self, ref: object) -> Competency | None:
        if not isinstance(ref, str) or ":" not in ref:
            return None
        slug, _, code = ref.partition(":")
        codes = self.framework_codes(slug.strip())
        return codes.get(code.strip()) if codes else None


def competencies_by_ref(
    session: Session, refs: list[Any], *, field: str = "competencies"
) -> list[Competency]:
    """Resolve references written `<framework slug>:<code>` (`pix-crcn:2.1`, `parcours-decouverte:D-06`)."""
    resolver = Resolver(session)
    found, errors = [], []
    for ref in refs:
        competency = resolver.resolve(ref)
        if competency is None:
            errors.append(str(ref))
        elif competency not in found:
            found.append(competency)
    if errors:
        raise InvalidInput({field: UNKNOWN_COMPETENCIES(codes=", ".join(errors))})
    return found
