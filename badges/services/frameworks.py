"""Competency frameworks: the reference frameworks shipped with the service, and lookups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Competency, Framework
from badges.services.errors import InvalidInput, NotFound

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "frameworks"
DEFAULT_FILES = ("pix-crcn.json", "digcomp-2.2.json")


def load_defaults(session: Session) -> list[Framework]:
    """Load the shipped frameworks that are not in the database yet (idempotent)."""
    loaded = []
    for name in DEFAULT_FILES:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        exists = session.scalar(
            select(Framework.id).where(Framework.slug == data["slug"], Framework.version == data["version"])
        )
        if exists is None:
            loaded.append(create_framework(session, data))
    return loaded


def create_framework(session: Session, data: dict[str, Any]) -> Framework:
    framework = Framework(
        slug=data["slug"],
        version=data["version"],
        name=data["name"],
        kind=data["kind"],
        description=data.get("description", ""),
        source_url=data.get("source_url"),
    )
    for position, item in enumerate(data["competencies"]):
        framework.competencies.append(
            Competency(
                code=item["code"],
                title=item["title"],
                area=item.get("area", ""),
                falc_description=item.get("falc_description", ""),
                position=position,
            )
        )
    session.add(framework)
    return framework


def latest(session: Session, slug: str) -> Framework:
    found = session.scalars(
        select(Framework).where(Framework.slug == slug).order_by(Framework.id.desc())
    ).first()
    if found is None:
        raise NotFound("Référentiel introuvable.")
    return found


def competencies_by_ref(
    session: Session, refs: list[str], *, field: str = "competencies"
) -> list[Competency]:
    """Resolve references written `<framework slug>:<code>` (e.g. `pix-crcn:2.1`)."""
    found, errors = [], []
    for ref in refs:
        slug, _, code = ref.partition(":") if isinstance(ref, str) else ("", "", "")
        competency = session.scalars(
            select(Competency)
            .join(Framework)
            .where(Framework.slug == slug, Competency.code == code)
            .order_by(Framework.id.desc())
        ).first()
        if competency is None:
            errors.append(str(ref))
        else:
            found.append(competency)
    if errors:
        raise InvalidInput({field: "Compétences inconnues : " + ", ".join(errors) + "."})
    return found
