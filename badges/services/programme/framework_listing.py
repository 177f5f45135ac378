"""Read-side of the staff frameworks screens: plain values for the list and the detail page."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy.orm import Session

from badges.models import Competency, Framework
from badges.services.programme import framework_io, frameworks
from badges.services.programme.framework_io import FrameworkSummary


class FrameworkRow(FrameworkSummary):
    versions: list[str]


class AlignmentView(TypedDict):
    slug: str
    version: str
    code: str
    title: str
    role: str


class CompetencyView(TypedDict):
    code: str
    title: str
    falc: str
    level: str | None
    criteria: list[str]
    alignments: list[AlignmentView]


class FrameworkDetail(FrameworkRow):
    description: str
    source_url: str | None
    latest: bool
    areas: list[tuple[str, list[CompetencyView]]]


def latest_versions(session: Session) -> list[FrameworkRow]:
    """Every framework, in its latest version."""
    return [summary(session, framework) for framework in frameworks.all_latest(session)]


def summary(session: Session, framework: Framework) -> FrameworkRow:
    return {**framework_io.summary(framework), "versions": frameworks.versions(session, framework.slug)}


def _competency(competency: Competency) -> CompetencyView:
    return {
        "code": competency.code,
        "title": competency.title,
        "falc": competency.falc_description,
        "level": competency.level,
        "criteria": list(competency.criteria or []),
        "alignments": [
            {
                "slug": a.target.framework.slug,
                "version": a.target.framework.version,
                "code": a.target.code,
                "title": a.target.title,
                "role": a.role,
            }
            for a in competency.alignments
        ],
    }


def detail(session: Session, framework: Framework) -> FrameworkDetail:
    """The framework as the page shows it: its competences grouped by area, in the file's order."""
    areas: dict[str, list[CompetencyView]] = {}
    for competency in framework.competencies:
        areas.setdefault(competency.area, []).append(_competency(competency))
    found = summary(session, framework)
    return {
        **found,
        "description": framework.description,
        "source_url": framework.source_url,
        "latest": found["versions"][-1] == framework.version,
        "areas": list(areas.items()),
    }
