"""Every public JSON document by its URL: one table serves both the web routes and the verifier.

The verifier resolves this service's own URLs here instead of over HTTP, and gets the very bytes
the public routes would send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, joinedload

from badges.models import BadgeClass, BadgeRevision, Credential, Endorsement, Issuer, SigningKey, StatusList
from badges.services.credentials import documents, endorsements, endorsers, revisions, sharing, signing_keys
from badges.services.credentials.links import Links
from badges.services.openbadges import ob2, ob3
from badges.services.shared.rows import Rows

JSON_LD = "application/ld+json"
VC_LD = "application/vc+ld+json"
JWK_SET = "application/jwk-set+json"


@dataclass(frozen=True)
class Published:
    status: int
    body: bytes
    media_type: str

    def json(self) -> dict:
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value


def _json(doc: dict, media_type: str = JSON_LD, status: int = 200) -> Published:
    return Published(status, json.dumps(doc, ensure_ascii=False).encode("utf-8"), media_type)


def _stored(text: str | None, media_type: str) -> Published | None:
    return None if text is None else Published(200, text.encode("utf-8"), media_type)


def _one(session: Session, model: type[Any], **filters: object) -> object | None:
    return session.scalars(select(model).filter_by(**filters)).first()


def issuer_controller(session: Session, links: Links, slug: str) -> Published | None:
    issuer = _one(session, Issuer, slug=slug)
    return (
        _json(documents.controller_document(session, issuer, links)) if isinstance(issuer, Issuer) else None
    )


def issuer_key(session: Session, links: Links, slug: str, key_id: str) -> Published | None:
    key = _one(session, SigningKey, public_id=key_id)
    if not isinstance(key, SigningKey) or key.issuer.slug != slug:
        return None
    if key.algorithm == signing_keys.RSA:
        return _json(documents.rsa_jwk(key, links), "application/jwk+json")
    # The Multikey itself: its URL is the method id of the proofs it signs (links.ed25519_method).
    methods = documents.verification_methods(session, key.issuer, links)
    wanted = links.ed25519_method(slug, key_id)
    method = next((m for m in methods if m["id"] == wanted), None)
    return None if method is None else _json({"@context": ob3.MULTIKEY_V1, **method})


def issuer_jwks(session: Session, links: Links, slug: str) -> Published | None:
    issuer = _one(session, Issuer, slug=slug)
    return _json(documents.jwks(session, [issuer], links), JWK_SET) if isinstance(issuer, Issuer) else None


def all_jwks(session: Session, links: Links) -> Published:
    """The RSA keys of every issuer: the recommended place for VC-JWT keys (docs/standards.md#S-vc-jwt)."""
    return _json(documents.jwks(session, list(session.scalars(select(Issuer))), links), JWK_SET)


def status_list(session: Session, links: Links, slug: str, number: str) -> Published | None:
    issuer = _one(session, Issuer, slug=slug)
    if not isinstance(issuer, Issuer) or not number.isdigit():
        return None
    found = _one(session, StatusList, issuer_id=issuer.id, number=int(number))
    return _stored(found.signed_credential, VC_LD) if isinstance(found, StatusList) else None


def achievement(session: Session, links: Links, badge_id: str) -> Published | None:
    """Each revision of a class is served at its own id: an edit never changes an earlier one.

    Its image is not read (the document names its URL): the verifier reads this document for every badge
    of this service it checks, for the endorsements it lists.
    """
    revision = session.scalars(
        select(BadgeRevision)
        .where(BadgeRevision.public_id == badge_id)
        .options(
            defer(BadgeRevision.image_png),
            # The creator the document names (shared classes, issue 16): same query, logo unread.
            joinedload(BadgeRevision.badge_class).defer(BadgeClass.image_png),
            joinedload(BadgeRevision.badge_class).joinedload(BadgeClass.issuer).defer(Issuer.image_png),
        )
    ).first()
    if revision is None:
        return None
    doc = {
        "@context": [ob3.CREDENTIALS_V2, ob3.OB_CONTEXT],
        **ob3.achievement(documents.revision_data(revision, links)),
    }
    given = endorsements.active_for_revision(session, revision)
    if given:
        # The endorsements given for this very revision, as signed (OB 3.0 §B.1.1 Achievement.endorsement).
        doc["endorsement"] = [endorsements.signed(row) for row in given]
    return _json(doc)


def achievement_endorsements(rows: Rows, links: Links, url: str) -> list[dict[str, Any]] | None:
    """The `endorsement` list of the achievement document at this local URL, read in one statement
    without building the document (the verifier reads it for every badge of ours it checks); None when
    the URL is not an achievement's. No such revision: its document is a 404, which lists nothing."""
    match = ACHIEVEMENT.match(links.local_path(url))
    if match is None:
        return None
    return endorsements.signed_for_revision(rows, match.group(1))


def badge_image(session: Session, links: Links, badge_id: str) -> Published | None:
    revision = revisions.by_public_id(session, badge_id)
    return Published(200, revision.image_png, "image/png") if revision is not None else None


def credential(session: Session, links: Links, credential_id: str) -> Published | None:
    found = _one(session, Credential, public_id=credential_id)
    if not isinstance(found, Credential) or not sharing.publicly_visible(session, found):
        return None  # erased, or private: its holder shows it through a share link (sharing.py)
    return _stored(found.ob3_credential, VC_LD)


def ob2_issuer(session: Session, links: Links, slug: str) -> Published | None:
    issuer = _one(session, Issuer, slug=slug)
    if not isinstance(issuer, Issuer):
        return None
    doc = documents.ob2_issuer_profile(session, issuer, links)
    given = endorsements.active_for_issuer(session, issuer)
    if given:
        doc["endorsement"] = [links.ob2_endorsement(row.public_id) for row in given]
    return _json(doc)


def ob2_revocations(session: Session, links: Links, slug: str) -> Published | None:
    issuer = _one(session, Issuer, slug=slug)
    return (
        _json(documents.ob2_revocation_list(session, issuer, links)) if isinstance(issuer, Issuer) else None
    )


def ob2_key(session: Session, links: Links, key_id: str) -> Published | None:
    key = _one(session, SigningKey, public_id=key_id)
    if not isinstance(key, SigningKey) or key.algorithm != signing_keys.RSA:
        return None
    return _json(documents.ob2_crypto_key(key, links))


def ob2_badge(session: Session, links: Links, badge_id: str) -> Published | None:
    revision = revisions.by_public_id(session, badge_id)
    if revision is None:
        return None
    doc = documents.ob2_badge_class(revision, links)
    given = endorsements.active_for_revision(session, revision)
    if given:
        # OB 2.0 `endorsement`: the hosted Endorsements whose claim is this BadgeClass.
        doc["endorsement"] = [links.ob2_endorsement(row.public_id) for row in given]
    return _json(doc)


def ob2_assertion(session: Session, links: Links, credential_id: str) -> Published | None:
    """A revoked (or erased) hosted assertion answers 410 with `revoked: true`
    (docs/standards.md#S-ob2-hosted)."""
    found = _one(session, Credential, public_id=credential_id)
    if not isinstance(found, Credential):
        return None
    if found.revoked_at is not None or found.erased_at is not None:
        doc = ob2.revoked_assertion(
            assertion_id=links.ob2_assertion(credential_id), reason=found.revocation_reason
        )
        return _json(doc, status=410)
    if sharing.is_private(session, found):
        return None
    return _stored(found.ob2_assertion, JSON_LD)


def endorser_controller(session: Session, links: Links, slug: str) -> Published | None:
    endorser = endorsers.by_slug(session, slug)
    return _json(endorsers.controller_document(session, endorser, links)) if endorser is not None else None


def endorser_key(session: Session, links: Links, slug: str, key_id: str) -> Published | None:
    endorser = endorsers.by_slug(session, slug)
    if endorser is None:
        return None
    wanted = links.endorser_key(slug, key_id)
    method = next((m for m in endorsers.methods(session, endorser, links) if m["id"] == wanted), None)
    return None if method is None else _json({"@context": ob3.MULTIKEY_V1, **method})


def endorser_status(session: Session, links: Links, slug: str) -> Published | None:
    endorser = endorsers.by_slug(session, slug)
    return _stored(endorser.status_list, VC_LD) if endorser is not None else None


def endorsement(session: Session, links: Links, endorsement_id: str) -> Published | None:
    """As signed, withdrawn or not: its status entry says whether it still holds."""
    found = _one(session, Endorsement, public_id=endorsement_id)
    return _stored(found.ob3_credential, VC_LD) if isinstance(found, Endorsement) else None


def ob2_endorser(session: Session, links: Links, slug: str) -> Published | None:
    endorser = endorsers.by_slug(session, slug)
    return _json(endorsers.ob2_profile(endorser, links)) if endorser is not None else None


def ob2_endorsement(session: Session, links: Links, endorsement_id: str) -> Published | None:
    """A withdrawn endorsement answers 410 with `revoked: true`, like a revoked hosted assertion."""
    found = _one(session, Endorsement, public_id=endorsement_id)
    if not isinstance(found, Endorsement):
        return None
    return _json(endorsements.ob2_document(found, links), status=200 if found.withdrawn_at is None else 410)


_ID = r"([0-9a-f-]{36})"
_SLUG = r"([a-z0-9-]{1,64})"
_ENDORSER = r"([a-z0-9-]{1,80})"
ACHIEVEMENT = re.compile(rf"^/achievements/{_ID}$")
ROUTES: list[tuple[re.Pattern[str], Callable[..., Published | None]]] = [
    (re.compile(rf"^/issuers/{_SLUG}$"), issuer_controller),
    (re.compile(rf"^/issuers/{_SLUG}/keys/{_ID}$"), issuer_key),
    (re.compile(rf"^/issuers/{_SLUG}/jwks\.json$"), issuer_jwks),
    (re.compile(r"^/\.well-known/jwks\.json$"), all_jwks),
    (re.compile(rf"^/status/{_SLUG}/([0-9]{{1,6}})$"), status_list),
    (ACHIEVEMENT, achievement),
    (re.compile(rf"^/credentials/{_ID}$"), credential),
    (re.compile(rf"^/ob2/issuers/{_SLUG}$"), ob2_issuer),
    (re.compile(rf"^/ob2/issuers/{_SLUG}/revocations$"), ob2_revocations),
    (re.compile(rf"^/ob2/keys/{_ID}$"), ob2_key),
    (re.compile(rf"^/ob2/badges/{_ID}$"), ob2_badge),
    (re.compile(rf"^/ob2/assertions/{_ID}$"), ob2_assertion),
    (re.compile(rf"^/endorsers/{_ENDORSER}$"), endorser_controller),
    (re.compile(rf"^/endorsers/{_ENDORSER}/keys/{_ID}$"), endorser_key),
    (re.compile(rf"^/endorsers/{_ENDORSER}/status$"), endorser_status),
    (re.compile(rf"^/endorsements/{_ID}$"), endorsement),
    (re.compile(rf"^/ob2/endorsers/{_ENDORSER}$"), ob2_endorser),
    (re.compile(rf"^/ob2/endorsements/{_ID}$"), ob2_endorsement),
]


def resolve(session: Session, links: Links, url: str) -> Published | None:
    """The document a GET of this local URL returns, or None when there is none (404)."""
    path = links.local_path(url)
    for pattern, handler in ROUTES:
        match = pattern.match(path)
        if match:
            return handler(session, links, *match.groups())
    return None
