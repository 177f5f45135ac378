"""This service's own register: is a presented badge exactly one that this service issued and stored?

A badge byte-identical to the stored one was produced by this service's serialisers, whose output the
test suite checks against the OB 3.0 JSON Schema and the outside JSON-LD validators: its content checks
(contexts, schema) need not be run again. Signature, key, status and dates are always checked; for a
token this service signed, the register (its own database) is the authority on key, revocation and issuer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from badges.models import BoundCredential, Credential, Issuer, SigningKey
from badges.models.wallet import FORMAT_LDP_VC
from badges.services.credentials import endorsements
from badges.services.crypto import CryptoError, dataintegrity, jws
from badges.services.crypto.keyring import public_key_from_pem
from badges.services.crypto.multibase import ed25519_from_multibase
from badges.services.shared.messages import N_, message
from badges.services.shared.rows import Prepared
from badges.services.verification import common
from badges.services.verification.report import Report, revoked_by_issuer
from badges.services.verification.sources import LocalSource, Source, same_as_stored

KEY_IN_REGISTER = message("check.key.register", N_("Clé de l'émetteur, inscrite à son registre."))
KEY_IN_REGISTER_AT = message(
    "check.key.register_method", N_("Clé de l'émetteur, inscrite à son registre (%(method)s).")
)
EDDSA_OK = message("check.signature.eddsa_ok", N_("Signature eddsa-rdfc-2022 valide."))
SIGNATURE_MISMATCH = message("check.signature.mismatch", N_("La signature ne correspond pas au contenu."))
RS256_OK = message("check.signature.rs256_ok", N_("Signature RS256 valide."))
ISSUER_IN_REGISTER = message("check.issuer.register", N_("Émetteur : %(name)s (registre de ce service)."))
NOT_REVOKED_IN_REGISTER = message("check.status.register", N_("Non révoqué (registre de l'émetteur)."))

URN_PREFIX = "urn:uuid:"
SAME_AS_ISSUED = message(
    "check.content.same_as_issued",
    N_("Identique au badge émis et conservé par ce service (contenu contrôlé à l'émission)."),
)


@dataclass(frozen=True)
class Entry:
    """What the register holds on one credential, as stored: its documents, its issuer's name, its two
    signing keys (with their compromise dates) and its revocation."""

    ob3_credential: str | None
    ob3_jwt: str | None
    ob2_signed: str | None
    ob3_hash_data: bytes | None
    ob3_hash_source: str | None
    revoked_at: datetime | None
    revocation_reason: str | None
    issuer_name: str
    rsa_pem: str | None
    rsa_compromised_at: datetime | None
    ed25519_multibase: str | None
    ed25519_compromised_at: datetime | None
    # Whether its achievement lists endorsements in force (None: not read, for a holder-bound form).
    endorsed: bool | None = None


def _entry_query() -> Any:
    """One statement for the whole entry (issue 17, HTTP profile): the credential, its issuer's name (never
    its logo), its keys and whether its achievement is endorsed, joined; built once, on the tables, so that
    no ORM state is made per request."""
    credential, issuer = Credential.__table__, Issuer.__table__
    rsa, ed25519 = SigningKey.__table__.alias("rsa_key"), SigningKey.__table__.alias("ed25519_key")
    c = credential.c
    joined = (
        credential.join(issuer, issuer.c.id == c.issuer_id)
        .outerjoin(rsa, rsa.c.id == c.rsa_key_id)
        .outerjoin(ed25519, ed25519.c.id == c.ed25519_key_id)
    )
    endorsed = endorsements.in_force_for_revision(c.revision_id).exists()
    return (
        select(c.ob3_credential, c.ob3_jwt, c.ob2_signed, c.ob3_hash_data, c.ob3_hash_source, c.revoked_at)
        .add_columns(c.revocation_reason, issuer.c.name, rsa.c.public_pem, rsa.c.compromised_at)
        .add_columns(ed25519.c.public_multibase, ed25519.c.compromised_at, endorsed)
        .select_from(joined)
        .where(c.public_id == bindparam("public_id"), c.erased_at.is_(None))
    )


_ENTRY = Prepared(_entry_query())


def _bound_query() -> Any:
    """A holder-bound form of an award (issue 15): its own document and signing key, the award's
    revocation and issuer; gone with the award's erasure (the rows are deleted, and checked here too)."""
    bound, credential = BoundCredential.__table__, Credential.__table__
    issuer, key = Issuer.__table__, SigningKey.__table__
    joined = (
        bound.join(credential, credential.c.id == bound.c.credential_id)
        .join(issuer, issuer.c.id == credential.c.issuer_id)
        .join(key, key.c.id == bound.c.signing_key_id)
    )
    return (
        select(bound.c.format, bound.c.document, credential.c.revoked_at, credential.c.revocation_reason)
        .add_columns(issuer.c.name, key.c.public_pem, key.c.public_multibase, key.c.compromised_at)
        .select_from(joined)
        .where(bound.c.public_id == bindparam("public_id"), credential.c.erased_at.is_(None))
    )


_BOUND = Prepared(_bound_query())


def _stored(source: Source, credential_id: Any) -> Entry | None:
    if not isinstance(source, LocalSource) or not isinstance(credential_id, str):
        return None
    if not credential_id.startswith(URN_PREFIX):
        return None
    public_id, rows = credential_id[len(URN_PREFIX) :], source.rows()
    row = rows.first(_ENTRY, {"public_id": public_id})
    if row is not None:
        return Entry(*row)
    bound = rows.first(_BOUND, {"public_id": public_id})
    return _bound_entry(*bound) if bound is not None else None


def _bound_entry(
    fmt: str, document: str, revoked_at: datetime | None, reason: str | None, issuer_name: str,
    pem: str, multibase: str | None, compromised_at: datetime | None,
) -> Entry:  # fmt: skip
    """A bound form as a register entry: a JSON credential with its Ed25519 key, or a VC-JWT with its RSA
    key; nothing else (no OB 2.0 form, no cached hash data)."""
    if fmt == FORMAT_LDP_VC:
        return Entry(document, None, None, None, None, revoked_at, reason, issuer_name, None, None,
                     multibase, compromised_at)  # fmt: skip
    return Entry(None, document, None, None, None, revoked_at, reason, issuer_name, pem, compromised_at,
                 None, None)  # fmt: skip


def issued_credential(source: Source, doc: dict[str, Any]) -> Entry | None:
    """The register's entry for this OB 3.0 JSON, if it is the stored credential, compared as canonical
    JSON: key order and spacing aside, the same values of the same JSON types (Python's == would take
    true for 1, and 1.0 for 1)."""
    stored = _stored(source, doc.get("id"))
    if stored is None or stored.ob3_credential is None:
        return None
    return stored if same_as_stored(stored.ob3_credential, doc) else None


def verify_issued_ld(
    source: Source, doc: dict[str, Any], *, now: datetime, email: str | None, report: Report
) -> bool:
    """Verify an OB 3.0 credential with an embedded proof that is exactly one this service issued.

    Returns False (and reports nothing) when it is not; the caller then runs the general checks. The
    Ed25519 signature is checked on every call with the stored key, whose compromise and the credential's
    revocation are read from the register now; only the canonicalisation is reused when the stored hash
    data belongs to the stored text.
    """
    stored = issued_credential(source, doc)
    proofs = common.as_list(doc.get("proof"))
    if stored is None or len(proofs) != 1 or not isinstance(proofs[0], dict):
        return False
    _tell_endorsements(source, stored, doc)
    if stored.ed25519_multibase is None:
        return False
    if common.distrusted_key(stored.ed25519_compromised_at, common.parse_created(proofs[0]), report):
        return True
    report.ok("key", KEY_IN_REGISTER_AT(method=str(proofs[0].get("verificationMethod"))))
    public_key = ed25519_from_multibase(stored.ed25519_multibase)
    assert stored.ob3_credential is not None  # issued_credential found it
    same_text = stored.ob3_hash_source == dataintegrity.text_digest(stored.ob3_credential)
    try:
        dataintegrity.verify(
            doc,
            resolve_key=lambda _method: public_key,
            known_hash_data=stored.ob3_hash_data if same_text else None,
        )
    except CryptoError:
        report.fail("signature", SIGNATURE_MISMATCH)
        return True
    report.ok("signature", EDDSA_OK)
    register_content_and_status(stored, report)
    common.check_validity(doc.get("validFrom"), doc.get("validUntil"), now=now, report=report)
    if email is not None:
        common.check_ob3_recipient(doc, email, report)
    return True


def report_content_checked(report: Report) -> None:
    report.ok("contexts", SAME_AS_ISSUED)
    report.ok("schema", SAME_AS_ISSUED)


def verify_issued_token(
    source: Source,
    token: str,
    decoded: tuple[dict[str, Any], dict[str, Any]],
    *,
    now: datetime,
    email: str | None,
    report: Report,
) -> bool:
    """Verify a VC-JWT or signed OB 2.0 assertion that this service issued, against its register.

    Returns False (and reports nothing) when the token is not, character for character, a stored one;
    the caller then runs the general checks. The signature is checked with the stored key either way.
    ``decoded`` is the token's (header, payload) as `jws.unverified_parts` read them (not read again).
    """
    claims = decoded[1]
    stored = _stored(source, claims.get("id"))
    if stored is None or token not in (stored.ob3_jwt, stored.ob2_signed):
        return False
    is_jwt = token == stored.ob3_jwt
    if not is_jwt and stored.ob3_credential is None:
        return False
    report.format = "ob3-jwt" if is_jwt else "ob2-signed"
    award = _issued_award(claims, stored.ob3_credential, is_jwt=is_jwt)
    _tell_endorsements(source, stored, award)
    common.summarise_ob3(award, report)
    report.summary["id"] = claims.get("id")
    signed_at = common.parse_datetime(str(award.get("validFrom")))
    if not _signature_ok(token, decoded, stored, is_jwt=is_jwt, signed_at=signed_at, report=report):
        return True
    register_content_and_status(stored, report)
    common.check_validity(award.get("validFrom"), award.get("validUntil"), now=now, report=report)
    if email is not None:
        common.check_ob3_recipient(award, email, report)
    return True


def _tell_endorsements(source: Source, stored: Entry, award: dict[str, Any]) -> None:
    """The entry says whether the stored badge's achievement lists endorsements in force: when it lists
    none, the endorsement checks know it without reading them again (issue 17, HTTP profile)."""
    if stored.endorsed is False and isinstance(source, LocalSource):
        achievement = common.obj(common.obj(award.get("credentialSubject")).get("achievement"))
        if isinstance(url := achievement.get("id"), str):
            source.remember_endorsements(url, [])


def _issued_award(claims: dict[str, Any], ob3_credential: str | None, *, is_jwt: bool) -> dict[str, Any]:
    """The stored OB 3.0 credential. The stored VC-JWT was signed over it: its payload, already decoded, is
    that credential (without its Data Integrity proof, which no check here reads) plus the registered claims
    (formats.ob3_jwt, jws.vc_jwt_claims), so the stored text is not parsed again (issue 17, HTTP profile).
    A signed OB 2.0 assertion holds another document: the stored text is read."""
    if is_jwt:
        return {name: value for name, value in claims.items() if name not in jws.REGISTERED_CLAIMS}
    assert ob3_credential is not None  # checked by verify_issued_token
    award: dict[str, Any] = json.loads(ob3_credential)
    return award


def _signature_ok(
    token: str,
    decoded: tuple[dict[str, Any], dict[str, Any]],
    stored: Entry,
    *,
    is_jwt: bool,
    signed_at: datetime | None,
    report: Report,
) -> bool:
    """Same rule as for any badge: a compromise distrusts what claims to be signed from its date on."""
    if stored.rsa_pem is None:
        return False  # no key in the register (the database forbids it): nothing checked, nothing said
    if common.distrusted_key(stored.rsa_compromised_at, signed_at, report):
        return False
    report.ok("key", KEY_IN_REGISTER)
    public_key = public_key_from_pem(stored.rsa_pem)
    try:
        if is_jwt:
            jws.verify_vc_jwt(token, resolve_key=lambda _header: public_key, decoded=decoded)
        else:
            jws.verify_compact(
                token, resolve_key=lambda _header: public_key, algorithms=("RS256",), decoded=decoded
            )
    except CryptoError:
        report.fail("signature", SIGNATURE_MISMATCH)
        return False
    report.ok("signature", RS256_OK)
    return True


def register_content_and_status(stored: Entry, report: Report) -> None:
    report_content_checked(report)
    report.ok("issuer", ISSUER_IN_REGISTER(name=stored.issuer_name))
    if stored.revoked_at is not None:
        report.revoked(
            revoked_by_issuer(stored.revocation_reason), reason=stored.revocation_reason, at=stored.revoked_at
        )
    else:
        report.ok("status", NOT_REVOKED_IN_REGISTER)
