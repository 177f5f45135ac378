"""Read-side of the staff frameworks screens: plain values for the list and the detail page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from badges.models import Competency, Framework
from badges.services.programme import frameworks


def latest_versions(session: Session) -> list[dict[str, Any]]:
    """Every framework, in its latest version."""
    return [summary(session, framework) for framework in frameworks.all_latest(session)]


def summary(session: Session, framework: Framework) -> dict[str, Any]:
    return {
        "slug": framework.slug,
        "name": framework.name,
        "version": framework.version,
        "kind": framework.kind,
        "profile": framework.profile,
        "competencies": len(framework.competencies),
        "versions": frameworks.versions(session, framework.slug),
    }


def _competency(competency: Competency) -> dict[str, Any]:
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


def detail(session: Session, framework: Framework) -> dict[str, Any]:
    """The framework as the page shows it: its competences grouped by area, in the file's order."""
    areas: dict[str, list[dict[str, Any]]] = {}
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
