"""Checks of an OB 3.0 credential secured with an embedded eddsa-rdfc-2022 proof."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pyld import jsonld

from badges.services.crypto import CryptoError, dataintegrity
from badges.services.openbadges import contexts
from badges.services.verification import common, register
from badges.services.verification.key_resolution import (
    KeyResolutionError,
    KeysUnavailable,
    ResolvedKey,
    key_in_method_id,
    resolve_ed25519,
)
from badges.services.verification.report import Report
from badges.services.verification.sources import Source
from badges.services.verification.status_checks import check_status

CRYPTO_MESSAGES = {
    "bad_signature": "La signature ne correspond pas au contenu : "
    "le badge a été modifié ou n'est pas authentique.",
    "unknown_cryptosuite": "Suite cryptographique inconnue (seule eddsa-rdfc-2022 est acceptée).",
    "wrong_proof_purpose": "La preuve n'a pas le rôle attendu (proofPurpose doit être assertionMethod).",
    "malformed_proof": "La preuve (proof) est mal formée.",
    "canonicalization_failed": "Le document ne peut pas être mis en forme canonique (JSON-LD).",
    "unknown_key": "La clé de signature ne correspond pas à celle désignée par la preuve.",
    "unsupported_algorithm": "Algorithme de signature refusé (seuls RS256 et ES256 sont acceptés).",
    "forbidden_header": "En-tête de jeton non autorisé par Open Badges 3.0.",
    "claims_mismatch": "Les champs du jeton (iss, jti, sub, nbf, exp) ne correspondent pas au badge.",
    "malformed_token": "Le jeton est mal formé.",
    "weak_key": "La clé de signature est trop faible.",
    "private_jwk": "Le jeton contient une clé privée : il est refusé.",
}


def is_ob3(doc: dict[str, Any]) -> bool:
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in types or "https://www.w3.org/ns/credentials/v2" in common.as_list(
        doc.get("@context")
    )


def verify_ld(
    doc: dict[str, Any], *, source: Source, now: datetime, report: Report, email: str | None
) -> None:
    """Run every check; a failed check never stops the others unless they depend on it."""
    report.format = "ob3-data-integrity"
    common.summarise_ob3(doc, report)
    if not common.check_ob3_shape(doc, report):
        return
    if register.verify_issued_ld(source, doc, now=now, email=email, report=report):
        return
    if not check_content(doc, report):
        return
    proofs = common.as_list(doc.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        report.fail("signature", "Le badge doit porter exactement une preuve (proof) intégrée.")
        return
    issuer_id = common.issuer_id(doc)
    key = _check_key(doc, proofs[0], issuer_id, source, report)
    if key is not None:
        _check_signature(doc, key, report)
    common.check_issuer_profile(doc.get("issuer"), report)
    check_status(doc, issuer_id=issuer_id, source=source, now=now, report=report)
    common.check_validity(doc.get("validFrom"), doc.get("validUntil"), now=now, report=report)
    if email is not None:
        common.check_ob3_recipient(doc, email, report)


def check_content(doc: dict[str, Any], report: Report) -> bool:
    """JSON-LD contexts and terms, then the JSON Schema; False when the document cannot be read as JSON-LD."""
    if not check_contexts(doc, report):
        return False
    check_schema(doc, report)
    return True


def check_contexts(doc: dict[str, Any], report: Report) -> bool:
    unknown = contexts.unknown_contexts(doc)
    if unknown:
        report.fail(
            "contexts", "Contexte JSON-LD inconnu (jamais chargé depuis le réseau) : " + ", ".join(unknown)
        )
        return False
    try:
        undefined = contexts.undefined_terms(doc)
    except jsonld.JsonLdError:
        report.fail("contexts", "Le document n'est pas du JSON-LD valide.")
        return False
    if undefined:
        report.fail(
            "contexts", "Termes non définis par les contextes JSON-LD : " + ", ".join(sorted(undefined)[:10])
        )
        return False
    report.ok("contexts", "Contextes JSON-LD connus et tous les termes définis.")
    return True


def check_schema(doc: dict[str, Any], report: Report) -> None:
    errors = contexts.schema_errors(doc)
    if errors:
        report.fail("schema", "Non conforme au schéma Open Badges 3.0 : " + " ; ".join(errors[:3]))
    else:
        report.ok("schema", "Conforme au schéma JSON Open Badges 3.0 (AchievementCredential).")


def _check_key(
    doc: dict[str, Any], proof: dict[str, Any], issuer_id: str, source: Source, report: Report
) -> ResolvedKey | None:
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        report.fail("key", "La preuve ne désigne pas de clé (verificationMethod).")
        return None
    try:
        key = resolve_ed25519(source, method, issuer_id=issuer_id)
    except KeyResolutionError as exc:
        written = key_in_method_id(method, issuer_id=issuer_id)
        if written is None:
            report.fail("key", str(exc), cause=exc.cause)
        else:
            _report_unbound_key(doc, ResolvedKey(method, issuer_id, written, None), exc, report)
        return None
    if common.distrusted_key(key.revoked, common.parse_created(proof), report):
        return None
    report.ok("key", f"Clé de l'émetteur trouvée et contrôlée par lui ({method}).")
    return key


def unbound_key_message(what: str, exc: KeyResolutionError) -> str:
    """Why a key that came with the badge itself is not trusted: unpublished, or the issuer unreachable."""
    if isinstance(exc, KeysUnavailable):
        return (
            f"{what} n'est pas reconnue : les clés publiées par l'émetteur n'ont pas pu être récupérées "
            f"({exc.reason.rstrip('.')})."
        )
    return f"{what} n'est pas une clé publiée par l'émetteur : rien ne prouve qu'elle est à lui."


def _report_unbound_key(
    doc: dict[str, Any], key: ResolvedKey, exc: KeyResolutionError, report: Report
) -> None:
    """`<issuer>#z6Mk…` unpublished: say whether the signature is intact, and why the key is not trusted."""
    _check_signature(
        doc,
        key,
        report,
        intact="Signature intacte avec la clé écrite dans la preuve, "
        "mais cette clé n'est pas reconnue comme celle de l'émetteur.",
    )
    report.fail("key", unbound_key_message("La clé écrite dans la preuve", exc), cause=exc.cause)


def _check_signature(
    doc: dict[str, Any],
    key: ResolvedKey,
    report: Report,
    *,
    intact: str = "Signature eddsa-rdfc-2022 valide.",
) -> None:
    def resolve(method: str) -> bytes:
        if method != key.method_id:
            raise CryptoError("unknown_key")
        return key.public_key

    try:
        dataintegrity.verify(doc, resolve_key=resolve)
    except CryptoError as exc:
        report.fail("signature", CRYPTO_MESSAGES.get(exc.code, f"Signature invalide ({exc.code})."))
        return
    report.ok("signature", intact)
