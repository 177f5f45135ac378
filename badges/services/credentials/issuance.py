"""Issuing an award: the OB 2.0 hosted assertion and the signed OB 3.0 credential, atomically."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import BadgeClass, Beneficiary, Credential, Issuer
from badges.models.base import new_public_id
from badges.services.credentials import documents, endorsements, revisions, signing_keys, status_lists
from badges.services.credentials.links import Links, credential_urn
from badges.services.crypto import dataintegrity
from badges.services.crypto.keyring import Keyring
from badges.services.openbadges import ob2, ob3
from badges.services.shared import profiles
from badges.services.shared.errors import Conflict, InvalidInput, RuleError
from badges.services.shared.messages import N_, message

EVIDENCE_LIST = message("evidence.list", N_("Liste de %(max)s éléments au plus attendue."))
EVIDENCE_OBJECT = message("evidence.object", N_("Objet attendu avec « name » et « narrative »."))
EVIDENCE_REQUIRED = message("evidence.required", N_("« name » et « narrative » sont obligatoires."))
EVIDENCE_TOO_LONG = message("evidence.too_long", N_("Texte trop long (200 et 2000 caractères au plus)."))
OTHER_ISSUER = message(
    "award.other_issuer", N_("Ce badge appartient à un autre tiers-lieu que ce bénéficiaire.")
)
NO_CONSENT = message(
    "award.no_consent", N_("Le bénéficiaire n'a pas encore donné son accord pour recevoir un badge.")
)
ALREADY_AWARDED = message("award.already_awarded", N_("Ce badge a déjà été délivré à ce bénéficiaire."))
NOT_PUBLISHED = message("award.not_published", N_("Ce badge n'est pas encore publié."))

MAX_EVIDENCE = 10


def dumps(document: dict) -> str:
    """The one serialisation of an issued document; it is stored and served byte for byte."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def validate_evidence(items: Any) -> list[dict]:
    """Evidence is a short statement by the médiateur (name, narrative): no files, no personal data."""
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_EVIDENCE:
        raise InvalidInput({"evidence": EVIDENCE_LIST(max=MAX_EVIDENCE)})
    cleaned = []
    for position, item in enumerate(items):
        if not isinstance(item, dict) or set(item) - {"name", "narrative"}:
            raise InvalidInput({f"evidence[{position}]": EVIDENCE_OBJECT})
        name, narrative = item.get("name"), item.get("narrative")
        if (
            not isinstance(name, str)
            or not isinstance(narrative, str)
            or not name.strip()
            or not narrative.strip()
        ):
            raise InvalidInput({f"evidence[{position}]": EVIDENCE_REQUIRED})
        if len(name) > 200 or len(narrative) > 2000:
            raise InvalidInput({f"evidence[{position}]": EVIDENCE_TOO_LONG})
        # Evidence is published in the badge: an internal profile label never goes there.
        if profiles.find_label(name) or profiles.find_label(narrative):
            raise InvalidInput({f"evidence[{position}]": profiles.MESSAGE})
        cleaned.append({"name": name.strip(), "narrative": narrative.strip()})
    return cleaned


def existing_award(
    session: Session, *, badge_class: BadgeClass, beneficiary: Beneficiary
) -> Credential | None:
    return session.scalars(
        select(Credential).where(
            Credential.badge_class_id == badge_class.id, Credential.beneficiary_id == beneficiary.id
        )
    ).first()


def may_award(badge_class: BadgeClass, beneficiary: Beneficiary) -> bool:
    """A tiers-lieu awards its own classes, and those another tiers-lieu shares with the network now."""
    return beneficiary.issuer_id == badge_class.issuer_id or badge_class.shared_at is not None


def award(
    session: Session,
    keyring: Keyring,
    *,
    badge_class: BadgeClass,
    beneficiary: Beneficiary,
    links: Links,
    now: datetime,
    evidence: Sequence[dict] = (),
    awarded_at: datetime | None = None,
) -> Credential:
    """Issue both documents once per beneficiary and badge class; the caller commits.

    `awarded_at` (the day the rule was met; now when None, never after now) becomes OB 2.0 `issuedOn` and
    OB 3.0 `awardedDate`; the signature (`validFrom`, proof `created`) is dated now."""
    credential = prepare(
        session, keyring, badge_class=badge_class, beneficiary=beneficiary, links=links, now=now,
        evidence=evidence, awarded_at=awarded_at,
    )  # fmt: skip
    _insert_once(session, credential)
    return credential


def prepare(
    session: Session,
    keyring: Keyring,
    *,
    badge_class: BadgeClass,
    beneficiary: Beneficiary,
    links: Links,
    now: datetime,
    evidence: Sequence[dict] = (),
    awarded_at: datetime | None = None,
) -> Credential:
    """The award signed but not stored (not added to the session): `award` inserts it at once; a bulk
    job signs it in a read-only transaction and stores it with `store_prepared` in a short one."""
    if not may_award(badge_class, beneficiary):
        raise RuleError(OTHER_ISSUER)
    if beneficiary.consent_at is None:
        raise RuleError(NO_CONSENT)
    if existing_award(session, badge_class=badge_class, beneficiary=beneficiary) is not None:
        raise Conflict(ALREADY_AWARDED)
    # The beneficiary's tiers-lieu issues, with its keys and status list, even for a class another shared.
    issuer = beneficiary.issuer
    ed_key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.ED25519)
    rsa_key = signing_keys.signing_key(session, issuer=issuer, algorithm=signing_keys.RSA)
    credential = _new_credential(session, badge_class, beneficiary, issuer, now=now)
    credential.awarded_at = (
        min(awarded_at, now).replace(microsecond=0) if awarded_at else credential.issued_at
    )
    credential.ed25519_key_id, credential.rsa_key_id = ed_key.id, rsa_key.id
    salt = secrets.token_hex(16)
    credential.ob2_assertion = dumps(_ob2_assertion(credential, links=links, salt=salt, evidence=evidence))
    unsigned = _ob3_credential(credential, links=links, salt=salt, evidence=evidence)
    _embed_endorsements(session, unsigned, credential)
    signed, hash_data = dataintegrity.sign_with_hash_data(
        unsigned,
        sign_bytes=lambda data: keyring.sign(ed_key.public_id, data),
        verification_method=links.ed25519_method(issuer.slug, ed_key.public_id),
        created=credential.issued_at,
    )
    credential.ob3_credential = dumps(signed)
    credential.ob3_hash_data = hash_data
    credential.ob3_hash_source = dataintegrity.text_digest(credential.ob3_credential)
    return credential


STORED_COLUMNS = (
    "public_id", "issued_at", "valid_until", "ed25519_key_id", "rsa_key_id", "ob2_assertion",
    "ob3_credential", "ob3_hash_data", "ob3_hash_source", "status_index", "awarded_at",
)  # fmt: skip


def store_prepared(session: Session, prepared: Credential) -> Credential | None:
    """Store an award `prepare` signed in another session: the new credential, or None when the award
    exists already (exactly once), or when its revision changed or its status index was taken since it
    was signed (the caller signs it again). The checks and the insert run in this (write) transaction."""
    if prepared.beneficiary is None:
        return None
    if existing_award(session, badge_class=prepared.badge_class, beneficiary=prepared.beneficiary):
        return None
    # The revision under a share lock, as in `award`: an edit since the signing means signing again.
    revision = revisions.current(session, prepared.badge_class, lock="share")
    if revision is None or revision.id != prepared.revision.id:
        return None
    credential = Credential(
        issuer_id=prepared.issuer.id,
        badge_class_id=prepared.badge_class.id,
        revision_id=prepared.revision.id,
        beneficiary_id=prepared.beneficiary.id,
        status_list_id=prepared.status_list.id,
        **{name: getattr(prepared, name) for name in STORED_COLUMNS},
    )
    try:
        _insert_once(session, credential)
    except Conflict:
        return None
    return credential


def _new_credential(
    session: Session, badge_class: BadgeClass, beneficiary: Beneficiary, issuer: Issuer, *, now: datetime
) -> Credential:
    # The revision is read under a share lock: an edit waits, then sees it issued and publishes a new one.
    revision = revisions.current(session, badge_class, lock="share")
    if revision is None:
        raise RuleError(NOT_PUBLISHED)
    status_list = status_lists.list_for(session, issuer)
    return Credential(
        public_id=new_public_id(),
        issuer=issuer,
        badge_class=badge_class,
        revision=revision,
        beneficiary=beneficiary,
        issued_at=now.replace(microsecond=0),
        valid_until=(now + timedelta(days=badge_class.validity_days)).replace(microsecond=0)
        if badge_class.validity_days
        else None,
        status_list=status_list,
        status_index=status_lists.allocate_index(session, status_list),
    )


def _insert_once(session: Session, credential: Credential) -> None:
    """The database's unique constraint settles concurrent awards: the loser gets a Conflict."""
    try:
        with session.begin_nested():
            session.add(credential)
    except IntegrityError as exc:
        raise Conflict(ALREADY_AWARDED) from exc


def _recipient(beneficiary: Beneficiary, salt: str) -> ob2.Recipient:
    if beneficiary.email:
        return ob2.Recipient(identity=beneficiary.email, type="email", salt=salt)
    # No e-mail: the pseudonymous subject id stands as a hashed "url" identity.
    return ob2.Recipient(identity=beneficiary.subject_id, type="url", salt=salt)


def _ob2_assertion(credential: Credential, *, links: Links, salt: str, evidence: Sequence[dict]) -> dict:
    assert credential.beneficiary is not None
    return ob2.assertion(
        assertion_id=links.ob2_assertion(credential.public_id),
        badge_id=links.ob2_badge(credential.revision.public_id),
        recipient=_recipient(credential.beneficiary, salt),
        issued_on=credential.awarded_at or credential.issued_at,
        expires=credential.valid_until,
        evidence=evidence,
        verification={"type": "HostedBadge"},
    )


def _identifiers(beneficiary: Beneficiary, salt: str) -> list[dict]:
    found = []
    if beneficiary.email:
        found.append(
            ob3.identity_object(
                identity_type="emailAddress",
                identity_hash=ob2.identity_hash(beneficiary.email, salt),
                salt=salt,
                hashed=True,
            )
        )
    if beneficiary.show_name_in_badges:
        found.append(
            ob3.identity_object(
                identity_type="name", identity_hash=beneficiary.display_name, salt=None, hashed=False
            )
        )
    return found


def _embed_endorsements(session: Session, unsigned: dict, credential: Credential) -> None:
    """The endorsements in force of the class's revision and of the tiers-lieu, as signed, in the badge
    (OB 3.0 §B.1.1 Achievement.endorsement, §B.1.6 Profile.endorsement): it carries them wherever it goes, and
    a verifier checks their status (a withdrawn one is then only not counted)."""
    of_badge = endorsements.active_for_revision(session, credential.revision)
    of_place = endorsements.active_for_issuer(session, credential.issuer)
    if of_place:
        unsigned["issuer"]["endorsement"] = [endorsements.signed(row) for row in of_place]
    if of_badge:
        achievement = unsigned["credentialSubject"]["achievement"]
        achievement["endorsement"] = [endorsements.signed(row) for row in of_badge]


def _ob3_credential(credential: Credential, *, links: Links, salt: str, evidence: Sequence[dict]) -> dict:
    beneficiary = credential.beneficiary
    assert beneficiary is not None
    issuer = credential.issuer
    return ob3.credential(
        credential_id=credential_urn(credential.public_id),
        issuer=documents.issuer_data(issuer, links),
        badge=documents.revision_data(credential.revision, links),
        subject_id=beneficiary.subject_id,
        identifiers=_identifiers(beneficiary, salt),
        valid_from=credential.issued_at,
        valid_until=credential.valid_until,
        awarded_date=credential.awarded_at,
        evidence=evidence,
        status=ob3.status_entry(
            list_url=links.status_list(issuer.slug, credential.status_list.number),
            index=credential.status_index,
        ),
    )
