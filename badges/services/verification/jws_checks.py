"""Checks of compact JWS badges: OB 3.0 VC-JWT and OB 2.0 signed assertions.

See docs/standards.md#S-vc-jwt and docs/standards.md#S-ob2-signed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from badges.services.crypto import CryptoError, jws
from badges.services.shared.messages import N_, message
from badges.services.verification import common, endorsement_checks, ob2_checks, ob3_checks, register
from badges.services.verification.jwk import embedded_key, resolve_ob2_creator, resolve_vc_jwt_key
from badges.services.verification.key_resolution import KeyResolutionError
from badges.services.verification.report import Report, revoked_by_issuer
from badges.services.verification.sources import FetchError, Source, get_json
from badges.services.verification.status_checks import check_status

UNREADABLE_JWS = message("check.format.unreadable_jws", N_("Ce jeton JWS est illisible."))
NO_BADGE_IN_TOKEN = message(
    "check.format.no_badge_in_token", N_("Ce jeton ne contient pas de badge Open Badges.")
)
KEY_FOUND = message("check.key.found", N_("Clé de l'émetteur trouvée (%(where)s)."))
JWT_OK = message("check.signature.jwt_ok", N_("Signature JWT %(alg)s valide."))
JWT_INTACT_WITH_EMBEDDED_KEY = message(
    "check.signature.intact_embedded_key",
    N_(
        "Signature JWT %(alg)s intacte avec la clé jointe au jeton, "
        "mais cette clé n'est pas reconnue comme celle de l'émetteur."
    ),
)
EMBEDDED_KEY = message("check.key.embedded", N_("La clé jointe au jeton"))
NOT_SIGNED_BADGE = message(
    "check.format.not_signed_badge", N_("Assertion signée sans vérification SignedBadge ni clé (creator).")
)
RS256_OK = message("check.signature.rs256_ok", N_("Signature RS256 valide."))
NO_REVOCATION_LIST = message("check.status.no_list", N_("L'émetteur ne publie pas de liste de révocation."))
LIST_UNREADABLE = message(
    "check.status.list_unreadable", N_("Impossible de lire la liste de révocation : %(error)s")
)
NOT_IN_LIST = message("check.status.not_in_list", N_("Absent de la liste de révocation de l'émetteur."))


def verify_token(token: str, *, source: Source, now: datetime, email: str | None, report: Report) -> None:
    try:
        header, payload = jws.unverified_parts(token)
    except CryptoError:
        report.fail("format", UNREADABLE_JWS, cause="unreadable")
        return
    is_ob3 = ob3_checks.is_ob3(payload)
    if register.verify_issued_token(source, token, (header, payload), now=now, email=email, report=report):
        pass  # one of ours: the register entry has said everything but the endorsements
    elif is_ob3:
        _verify_vc_jwt(token, payload, source=source, now=now, email=email, report=report)
    elif ob2_checks.is_ob2(payload):
        _verify_ob2_signed(token, payload, source=source, now=now, email=email, report=report)
    else:
        report.fail("format", NO_BADGE_IN_TOKEN, cause="unreadable")
    if is_ob3:
        # A VC-JWT's endorsements are told as a JSON credential's are (issue 16), whatever its verdict.
        report.endorsements = endorsement_checks.check_badge(payload, source=source, now=now)


def _signed_at(value: Any) -> datetime | None:
    return common.parse_datetime(value) if isinstance(value, str) else None


def _verify_vc_jwt(
    token: str, claims: dict[str, Any], *, source: Source, now: datetime, email: str | None, report: Report
) -> None:
    report.format = "ob3-jwt"
    common.summarise_ob3(claims, report)
    if not common.check_ob3_shape(claims, report):
        return
    header, _ = jws.unverified_parts(token)
    issuer_id = common.issuer_id(claims)
    try:
        key = resolve_vc_jwt_key(source, header, issuer_id=issuer_id)
    except KeyResolutionError as exc:
        _report_unbound_jwk(token, header, exc, report)
        return
    if common.distrusted_key(key.compromised, _signed_at(claims.get("validFrom")), report):
        return
    report.ok("key", KEY_FOUND(where=key.location))
    try:
        credential = jws.verify_vc_jwt(token, resolve_key=lambda _header: key.key)
    except CryptoError as exc:
        report.fail("signature", ob3_checks.crypto_message(exc.code))
        return
    report.ok("signature", JWT_OK(alg=str(header.get("alg"))))
    if not ob3_checks.check_content(credential, report):
        return
    common.check_issuer_profile(credential.get("issuer"), report)
    check_status(credential, issuer_id=issuer_id, source=source, now=now, report=report)
    common.check_validity(credential.get("validFrom"), credential.get("validUntil"), now=now, report=report)
    if email is not None:
        common.check_ob3_recipient(credential, email, report)


def _report_unbound_jwk(token: str, header: dict[str, Any], exc: KeyResolutionError, report: Report) -> None:
    """An embedded `jwk` the issuer does not publish proves nothing about who signed (1EdTech's examples
    carry one): say whether the signature itself is intact, then why the key is not trusted."""
    public_key = embedded_key(header)
    if public_key is None:
        report.fail("key", exc.said, cause=exc.cause)
        return
    try:
        jws.verify_vc_jwt(token, resolve_key=lambda _header: public_key)
    except CryptoError as error:
        report.fail("signature", ob3_checks.crypto_message(error.code))
    else:
        report.ok("signature", JWT_INTACT_WITH_EMBEDDED_KEY(alg=str(header.get("alg"))))
    report.fail("key", ob3_checks.unbound_key_message(EMBEDDED_KEY, exc), cause=exc.cause)


def _verify_ob2_signed(
    token: str, claims: dict[str, Any], *, source: Source, now: datetime, email: str | None, report: Report
) -> None:
    report.format = "ob2-signed"
    verification = common.obj(claims.get("verification"))
    creator = verification.get("creator")
    if verification.get("type") not in ("SignedBadge", "signed") or not isinstance(creator, str):
        report.fail("format", NOT_SIGNED_BADGE, cause="unreadable")
        return
    context = ob2_checks.load_context(claims, source=source, report=report)
    if context is None:
        return
    badge, issuer = context
    try:
        key = resolve_ob2_creator(source, creator, issuer_profile_id=str(issuer.get("id")))
    except KeyResolutionError as exc:
        report.fail("key", exc.said, cause=exc.cause)
        return
    if common.distrusted_key(key.compromised, _signed_at(claims.get("issuedOn")), report):
        return
    report.ok("key", KEY_FOUND(where=creator))
    try:
        jws.verify_compact(token, resolve_key=lambda _header: key.key, algorithms=("RS256",))
    except CryptoError as exc:
        report.fail("signature", ob3_checks.crypto_message(exc.code))
        return
    report.ok("signature", RS256_OK)
    _check_ob2_revocation_list(claims, issuer, source=source, report=report)
    ob2_checks.check_common(claims, badge, issuer, now=now, email=email, report=report)


def _check_ob2_revocation_list(
    claims: dict[str, Any], issuer: dict[str, Any], *, source: Source, report: Report
) -> None:
    url = issuer.get("revocationList")
    if not isinstance(url, str):
        report.ok("status", NO_REVOCATION_LIST)
        return
    try:
        revocations = get_json(source, url)
    except FetchError as exc:
        report.fail("status", LIST_UNREADABLE(error=exc.said), cause=exc.cause)
        return
    for entry in common.as_list(revocations.get("revokedAssertions")):
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if entry_id == claims.get("id"):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            given = reason if isinstance(reason, str) and reason else None
            report.revoked(revoked_by_issuer(given), reason=given)
            return
    report.ok("status", NOT_IN_LIST)
