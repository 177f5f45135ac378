"""Plain values for every page showing one badge: public, the holder's own, shared, or by claim code.

Everything a person reads comes from the badge as it was issued (its frozen revision and signed
document); only the live status is read now. The internal profile label is never part of it.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TypedDict
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.models import Competency, Credential, Framework
from badges.services.credentials import endorsement_listing
from badges.services.credentials.links import Links
from badges.services.openbadges.common import LEVEL_SCALE
from badges.services.programme import frameworks
from badges.services.shared.errors import NotFound
from badges.services.shared.messages import N_, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class Equivalent(TypedDict):
    framework: str
    code: str
    title: str
    url: str


class Skill(TypedDict):
    """A skill in plain words and its Pix / DigComp equivalents."""

    title: str
    falc: str
    falc_lines: list[str]
    framework: str
    code: str
    url: str
    equivalents: list[Equivalent]


class Level(TypedDict):
    code: str
    label: str
    falc: str


class Download(TypedDict):
    fmt: str
    kind: str
    version: str


class NamedLink(TypedDict):
    name: str
    url: str


class PathwayView(TypedDict):
    """A pathway badge's component badges, as its signed evidence names them."""

    count: int
    parts: list[NamedLink]


class CredentialView(TypedDict):
    """Everything the badge templates show."""

    id: str
    name: str
    description: str
    meaning: list[str]
    criteria: str
    image: str
    achievement_url: str
    issuer: NamedLink
    # The tiers-lieu that made the badge, when another one awarded it (a shared class, issue 16).
    creator: NamedLink | None
    issued_at: datetime
    valid_until: datetime | None
    status: str
    revocation_reason: str | None
    level: Level
    skills: list[Skill]
    page_url: str
    verify_url: str
    json_url: str
    ob2_url: str
    linkedin_url: str
    pathway: PathwayView | None
    # Who vouches for this badge or its tiers-lieu (issue 16): shown in one plain line.
    endorsed_by: list[str]


def pathway_view(signed: dict) -> PathwayView | None:
    """Read from the credential as signed: a LearningProgram's evidence with an id is a component badge."""
    if signed["credentialSubject"]["achievement"].get("achievementType") != "LearningProgram":
        return None
    parts = [
        NamedLink(name=e.get("name", ""), url=e["id"]) for e in signed.get("evidence", []) if e.get("id")
    ]
    return {"count": len(parts), "parts": parts}


def status(credential: Credential, now: datetime) -> str:
    """ "valide", "revoque" or "expire": what a person reading the page needs first."""
    if credential.revoked_at is not None or credential.erased_at is not None:
        return "revoque"
    if credential.valid_until is not None and credential.valid_until <= now:
        return "expire"
    return "valide"


def sentences(text: str) -> list[str]:
    """One idea per line (FALC): a text cut after each sentence."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part]


def verifier_url(links: Links, *, url: str | None = None, code: str | None = None) -> str:
    query = {"code": code} if code is not None else {"url": url or ""}
    return f"{links.base}/verifier?{urlencode(query)}"


def _competency(session: Session, slug: str, code: str) -> Competency | None:
    framework = frameworks.find(session, slug)
    if framework is None:
        return None
    return session.scalars(
        select(Competency).where(Competency.framework_id == framework.id, Competency.code == code)
    ).first()


def skills(session: Session, links: Links, alignments: list[dict[str, str]]) -> list[Skill]:
    """The skills in plain words, each with its Pix / DigComp equivalents.

    A profile framework's competence comes first with the reference competences it maps to; a
    reference competence already given as an equivalent is not repeated as a skill of its own.
    """
    slugs = {a["slug"] for a in alignments}
    rows = session.execute(select(Framework.slug, Framework.kind).where(Framework.slug.in_(slugs)))
    kinds: dict[str, str] = {slug: kind for slug, kind in rows}
    ordered = sorted(alignments, key=lambda a: kinds.get(a["slug"]) == "reference")
    seen: set[tuple[str, str]] = set()
    found: list[Skill] = []
    for item in ordered:
        if (item["slug"], item["code"]) in seen:
            continue
        competency = _competency(session, item["slug"], item["code"])
        targets = [a.target for a in competency.alignments] if competency is not None else []
        seen |= {(item["slug"], item["code"])} | {(t.framework.slug, t.code) for t in targets}
        found.append(
            {
                "title": item["name"],
                "falc": item.get("description", ""),
                "falc_lines": sentences(item.get("description", "")),
                "framework": item["framework"],
                "code": item["code"],
                "url": links.competency(item["slug"], item["code"]),
                "equivalents": [
                    {
                        "framework": t.framework.name,
                        "code": t.code,
                        "title": t.title,
                        "url": links.competency(t.framework.slug, t.code),
                    }
                    for t in targets
                ],
            }
        )
    return found


def level(code: str) -> Level:
    for level_code, label, falc in LEVEL_SCALE:
        if level_code == code:
            return {"code": code, "label": label, "falc": falc}
    return {"code": code, "label": "", "falc": ""}


def linkedin_url(*, name: str, organisation: str, issued_at: datetime, valid_until: datetime | None,
                 page_url: str, credential_id: str) -> str:  # fmt: skip
    """LinkedIn's "add to profile" form for a certification, filled in (a link only, no call)."""
    query: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organisation,
        "issueYear": issued_at.year,
        "issueMonth": issued_at.month,
    }
    if valid_until is not None:
        query.update(expirationYear=valid_until.year, expirationMonth=valid_until.month)
    query.update(certUrl=page_url, certId=credential_id)
    return f"{LINKEDIN_ADD}?{urlencode(query, quote_via=quote)}"


def creator_of(achievement: dict, signed: dict) -> NamedLink | None:
    """The Achievement's creator as signed, when it is not the issuer (OB 3.0 Achievement.creator)."""
    creator = achievement.get("creator")
    if not isinstance(creator, dict) or creator.get("id") == signed["issuer"].get("id"):
        return None
    return {"name": str(creator.get("name", "")), "url": str(creator.get("id", ""))}


def credential_view(session: Session, links: Links, credential: Credential, now: datetime) -> CredentialView:
    """Everything the badge templates show; an erased badge has nothing left to show."""
    if credential.erased_at is not None or credential.ob3_credential is None:
        raise NotFound(BADGE_NOT_FOUND)
    signed = json.loads(credential.ob3_credential)
    achievement = signed["credentialSubject"]["achievement"]
    revision = credential.revision
    page_url = links.credential_page(credential.public_id)
    return {
        "id": credential.public_id,
        "name": achievement["name"],
        "description": achievement["description"],
        "meaning": sentences(achievement["description"]),
        "criteria": achievement["criteria"].get("narrative", ""),
        "image": achievement["image"]["id"],
        "achievement_url": achievement["id"],
        "issuer": {"name": credential.issuer.name, "url": links.issuer(credential.issuer.slug)},
        "creator": creator_of(achievement, signed),
        "issued_at": credential.awarded_at or credential.issued_at,
        "valid_until": credential.valid_until,
        "status": status(credential, now),
        "revocation_reason": credential.revocation_reason,
        "level": level(revision.level),
        "skills": skills(session, links, list(revision.alignments or [])),
        "page_url": page_url,
        "verify_url": verifier_url(links, url=page_url),
        "json_url": page_url,
        "ob2_url": links.ob2_assertion(credential.public_id),
        "linkedin_url": linkedin_url(
            name=achievement["name"],
            organisation=credential.issuer.name,
            issued_at=credential.awarded_at or credential.issued_at,
            valid_until=credential.valid_until,
            page_url=page_url,
            credential_id=credential.public_id,
        ),
        "pathway": pathway_view(signed),
        "endorsed_by": endorsement_listing.endorsers_of(session, revision, issuer=credential.issuer),
    }


def downloads(*, private: bool, signed_ob2: bool = True) -> list[Download]:
    """The files offered, most useful first; a private badge's OB 2.0 image carries the signed form,
    which verifies without the hosted assertion a private badge no longer publishes. Without a signed
    OB 2.0 form (a class shared by another tiers-lieu: formats.signed_ob2_possible) a private badge has
    no OB 2.0 image."""
    ob2_image: list[Download] = (
        [{"fmt": "ob2-signed.png" if private else "ob2.png", "kind": "image", "version": "2.0"}]
        if signed_ob2 or not private
        else []
    )
    return [
        {"fmt": "ob3.png", "kind": "image", "version": "3.0"},
        *ob2_image,
        {"fmt": "ob3.json", "kind": "json", "version": "3.0"},
        {"fmt": "ob3.jwt", "kind": "jwt", "version": "3.0"},
    ]
