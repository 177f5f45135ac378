"""Checks of an OB 3.0 credential secured with an embedded eddsa-rdfc-2022 proof."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pyld import jsonld

from badges.services.crypto import CryptoError, dataintegrity
from badges.services.openbadges import contexts
from badges.services.shared.messages import N_, Message, message
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
    "bad_signature": message(
        "check.signature.bad",
        N_("La signature ne correspond pas au contenu : le badge a été modifié ou n'est pas authentique."),
    ),
    "unknown_cryptosuite": message(
        "check.signature.unknown_cryptosuite",
        N_("Suite cryptographique inconnue (seule eddsa-rdfc-2022 est acceptée)."),
    ),
    "wrong_proof_purpose": message(
        "check.signature.wrong_proof_purpose",
        N_("La preuve n'a pas le rôle attendu (proofPurpose doit être assertionMethod)."),
    ),
    "malformed_proof": message("check.signature.malformed_proof", N_("La preuve (proof) est mal formée.")),
    "canonicalization_failed": message(
        "check.signature.canonicalization_failed",
        N_("Le document ne peut pas être mis en forme canonique (JSON-LD)."),
    ),
    "unknown_key": message(
        "check.signature.unknown_key",
        N_("La clé de signature ne correspond pas à celle désignée par la preuve."),
    ),
    "unsupported_algorithm": message(
        "check.signature.unsupported_algorithm",
        N_("Algorithme de signature refusé (seuls RS256 et ES256 sont acceptés)."),
    ),
    "forbidden_header": message(
        "check.signature.forbidden_header", N_("En-tête de jeton non autorisé par Open Badges 3.0.")
    ),
    "claims_mismatch": message(
        "check.signature.claims_mismatch",
        N_("Les champs du jeton (iss, jti, sub, nbf, exp) ne correspondent pas au badge."),
    ),
    "malformed_token": message("check.signature.malformed_token", N_("Le jeton est mal formé.")),
    "weak_key": message("check.signature.weak_key", N_("La clé de signature est trop faible.")),
    "private_jwk": message(
        "check.signature.private_jwk", N_("Le jeton contient une clé privée : il est refusé.")
    ),
}
INVALID_SIGNATURE = message("check.signature.invalid", N_("Signature invalide (%(code)s)."))
ONE_PROOF = message(
    "check.signature.one_proof", N_("Le badge doit porter exactement une preuve (proof) intégrée.")
)
UNKNOWN_CONTEXT = message(
    "check.contexts.unknown", N_("Contexte JSON-LD inconnu (jamais chargé depuis le réseau) : %(contexts)s")
)
NOT_JSON_LD = message("check.contexts.not_json_ld", N_("Le document n'est pas du JSON-LD valide."))
UNDEFINED_TERMS = message(
    "check.contexts.undefined", N_("Termes non définis par les contextes JSON-LD : %(terms)s")
)
CONTEXTS_OK = message("check.contexts.ok", N_("Contextes JSON-LD connus et tous les termes définis."))
SCHEMA_ERRORS = message("check.schema.errors", N_("Non conforme au schéma Open Badges 3.0 : %(errors)s"))
SCHEMA_OK = message("check.schema.ok", N_("Conforme au schéma JSON Open Badges 3.0 (AchievementCredential)."))
NO_METHOD = message("check.key.no_method", N_("La preuve ne désigne pas de clé (verificationMethod)."))
KEY_CONTROLLED = message(
    "check.key.controlled", N_("Clé de l'émetteur trouvée et contrôlée par lui (%(method)s).")
)
UNBOUND_UNAVAILABLE = message(
    "check.key.unbound_unavailable",
    N_(
        "%(what)s n'est pas reconnue : les clés publiées par l'émetteur "
        "n'ont pas pu être récupérées (%(reason)s)."
    ),
)
UNBOUND = message(
    "check.key.unbound",
    N_("%(what)s n'est pas une clé publiée par l'émetteur : rien ne prouve qu'elle est à lui."),
)
KEY_IN_PROOF = message("check.key.in_proof", N_("La clé écrite dans la preuve"))
INTACT_WITH_PROOF_KEY = message(
    "check.signature.intact_proof_key",
    N_(
        "Signature intacte avec la clé écrite dans la preuve, "
        "mais cette clé n'est pas reconnue comme celle de l'émetteur."
    ),
)
EDDSA_OK = message("check.signature.eddsa_ok", N_("Signature eddsa-rdfc-2022 valide."))


def crypto_message(code: str) -> Message:
    """What a signature failure means, in words; an unknown code is named."""
    return CRYPTO_MESSAGES.get(code) or INVALID_SIGNATURE(code=code)


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
        report.fail("signature", ONE_PROOF)
        return
    issuer_id = common.issuer_id(doc)
    key = check_key(doc, proofs[0], issuer_id, source, report)
    if key is not None:
        check_signature(doc, key, report)
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
        report.fail("contexts", UNKNOWN_CONTEXT(contexts=", ".join(unknown)))
        return False
    try:
        undefined = contexts.undefined_terms(doc)
    except jsonld.JsonLdError:
        report.fail("contexts", NOT_JSON_LD)
        return False
    if undefined:
        report.fail("contexts", UNDEFINED_TERMS(terms=", ".join(sorted(undefined)[:10])))
        return False
    report.ok("contexts", CONTEXTS_OK)
    return True


def check_schema(
    doc: dict[str, Any],
    report: Report,
    *,
    errors_of: Callable[[dict[str, Any]], list[str]] = contexts.schema_errors,
    ok: Message = SCHEMA_OK,
) -> None:
    """The OB 3.0 JSON Schema: AchievementCredential's, or another definition's (EndorsementCredential)."""
    errors = errors_of(doc)
    if errors:
        report.fail("schema", SCHEMA_ERRORS(errors=" ; ".join(errors[:3])))
    else:
        report.ok("schema", ok)


def check_key(
    doc: dict[str, Any],
    proof: dict[str, Any],
    issuer_id: str,
    source: Source,
    report: Report,
    *,
    found: Message = KEY_CONTROLLED,
) -> ResolvedKey | None:
    """The proof's key, published by the issuer (or endorser) and not distrusted at signing; else None."""
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        report.fail("key", NO_METHOD)
        return None
    try:
        key = resolve_ed25519(source, method, issuer_id=issuer_id)
    except KeyResolutionError as exc:
        written = key_in_method_id(method, issuer_id=issuer_id)
        if written is None:
            report.fail("key", exc.said, cause=exc.cause)
        else:
            _report_unbound_key(doc, ResolvedKey(method, issuer_id, written, None), exc, report)
        return None
    if common.distrusted_key(key.revoked, common.parse_created(proof), report):
        return None
    report.ok("key", found(method=method))
    return key


def unbound_key_message(what: Message, exc: KeyResolutionError) -> Message:
    """Why a key that came with the badge itself is not trusted: unpublished, or the issuer unreachable."""
    if isinstance(exc, KeysUnavailable):
        return UNBOUND_UNAVAILABLE(what=what, reason=exc.reason.trimmed("."))
    return UNBOUND(what=what)


def _report_unbound_key(
    doc: dict[str, Any], key: ResolvedKey, exc: KeyResolutionError, report: Report
) -> None:
    """`<issuer>#z6Mk…` unpublished: say whether the signature is intact, and why the key is not trusted."""
    check_signature(doc, key, report, intact=INTACT_WITH_PROOF_KEY)
    report.fail("key", unbound_key_message(KEY_IN_PROOF, exc), cause=exc.cause)


def check_signature(
    doc: dict[str, Any],
    key: ResolvedKey,
    report: Report,
    *,
    intact: Message = EDDSA_OK,
) -> None:
    def resolve(method: str) -> bytes:
        if method != key.method_id:
            raise CryptoError("unknown_key")
        return key.public_key

    try:
        dataintegrity.verify(doc, resolve_key=resolve)
    except CryptoError as exc:
        report.fail("signature", crypto_message(exc.code))
        return
    report.ok("signature", intact)
