"""Endorsements of a badge, of its achievement and of its issuer, checked one by one (issue 16).

Each endorsement is an OB 3.0 EndorsementCredential (§B.1.2) with its own named checks: contexts, schema,
subject (it endorses this very achievement or profile), key (bound to the endorser), signature, status and
validity; then the endorsements of its endorser, down to MAX_DEPTH. They come from the badge itself and from
the achievement's published document (fetched like any other: this service's own locally, others by safe
fetching). A forged, withdrawn or unreadable endorsement is reported as not counted: it never makes the badge
invalid, it only adds nothing to it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from badges.services.openbadges import contexts
from badges.services.shared.messages import N_, Message, Translate, french, message
from badges.services.verification import common
from badges.services.verification.ob3_checks import check_contexts, check_key, check_schema, check_signature
from badges.services.verification.report import Check, Report
from badges.services.verification.sources import FetchError, LocalSource, Source, get_json
from badges.services.verification.status_checks import check_status

log = logging.getLogger(__name__)
# At most this many distinct endorsements are checked for one badge (the same one listed again is not checked
# again), and endorsements of endorsers this deep: a document cannot make the verifier fetch and canonicalise
# without end. The rest are reported as not checked.
MAX_ENDORSEMENTS = 8
MAX_DEPTH = 2

NOT_ENDORSEMENT = message(
    "check.endorsement.not_endorsement", N_("Ce n'est pas une recommandation (EndorsementCredential).")
)
SCHEMA_OK = message(
    "check.endorsement.schema_ok", N_("Conforme au schéma Open Badges 3.0 (EndorsementCredential).")
)
OTHER_SUBJECT = message(
    "check.endorsement.other_subject", N_("Elle recommande autre chose (%(subject)s) que %(expected)s.")
)
SUBJECT_OK = message("check.endorsement.subject_ok", N_("Elle recommande bien %(expected)s."))
NO_PROOF = message(
    "check.endorsement.no_proof", N_("Elle ne porte pas exactement une preuve (proof) intégrée.")
)
KEY_OK = message(
    "check.endorsement.key_ok", N_("Clé publiée par l'auteur de la recommandation (%(method)s).")
)
COUNTED = message("check.endorsement.counted", N_("Recommandation de %(endorser)s : « %(comment)s »."))
NOT_COUNTED = message(
    "check.endorsement.not_counted", N_("Recommandation de %(endorser)s non prise en compte : %(reason)s")
)
UNEXPECTED = message("check.endorsement.unexpected", N_("erreur inattendue pendant sa vérification."))
UNNAMED = message("check.endorsement.unnamed", N_("un auteur inconnu"))
NOT_CHECKED = message(
    "check.endorsement.not_checked",
    N_("Recommandations non vérifiées : %(count)s de plus que les %(max)s examinées au plus pour un badge."),
)


@dataclass
class EndorsementResult:
    """One endorsement: who, what they said, whether it counts, and its own named checks."""

    endorser: str
    endorser_id: str
    comment: str
    subject: str
    checks: list[Check] = field(default_factory=list)
    depth: int = 0
    key: str = ""

    @property
    def counted(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def said(self) -> Message:
        if self.counted:
            return COUNTED(endorser=self.endorser, comment=self.comment)
        failed = next(c for c in self.checks if not c.passed)
        if failed.name == "limit":
            return failed.said
        return NOT_COUNTED(endorser=self.endorser, reason=failed.said)

    def to_dict(self, translate: Translate = french) -> dict[str, Any]:
        return {
            "name": "endorsement",
            "endorser": self.endorser,
            "endorser_id": self.endorser_id,
            "subject": self.subject,
            "comment": self.comment,
            "counted": self.counted,
            "depth": self.depth,
            "message": self.said.render(translate),
            "checks": [c.to_dict(translate) for c in self.checks],
        }


def check_badge(doc: dict[str, Any], *, source: Source, now: datetime) -> list[EndorsementResult]:
    """The endorsements of an OB 3.0 badge: of the credential, its achievement and its issuer."""
    achievement = common.obj(common.obj(doc.get("credentialSubject")).get("achievement"))
    issuer = common.obj(doc.get("issuer"))
    found: list[tuple[dict[str, Any], str]] = []
    found += _listed(doc, str(doc.get("id", "")))
    found += _listed(achievement, str(achievement.get("id", "")))
    found += _listed(issuer, str(issuer.get("id", "")))
    found += _published(achievement, source)
    results: list[EndorsementResult] = []
    unchecked = _check_all(found, source=source, now=now, depth=0, results=results, seen=set())
    if unchecked:
        limit = Check("limit", False, NOT_CHECKED(count=unchecked, max=MAX_ENDORSEMENTS))
        results.append(EndorsementResult(UNNAMED.french, "", "", "", [limit]))
    return results


def _listed(holder: dict[str, Any], subject: str) -> list[tuple[dict[str, Any], str]]:
    return [(e, subject) for e in common.as_list(holder.get("endorsement")) if isinstance(e, dict)]


def _published(achievement: dict[str, Any], source: Source) -> list[tuple[dict[str, Any], str]]:
    """Endorsements given after the badge was issued are listed in the achievement's own document."""
    url = achievement.get("id")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return []
    own = source.achievement_endorsements(url) if isinstance(source, LocalSource) else None
    if own is not None:
        return [(e, url) for e in own if isinstance(e, dict)]
    try:
        return _listed(get_json(source, url), url)
    except (FetchError, ValueError):
        return []  # no document there: only the endorsements the badge carries are checked


def _key(endorsement: dict[str, Any]) -> str:
    """What makes two listed endorsements the same one: its id, or else its whole canonical JSON."""
    given = endorsement.get("id")
    if isinstance(given, str) and given:
        return given
    return json.dumps(endorsement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check_all(
    found: list[tuple[dict[str, Any], str]],
    *,
    source: Source,
    now: datetime,
    depth: int,
    results: list[EndorsementResult],
    seen: set[str],
) -> int:
    """Check each distinct endorsement once, up to MAX_ENDORSEMENTS in all; return how many were left."""
    unchecked = 0
    for endorsement, subject in found:
        key = _key(endorsement)
        if key in seen:
            continue  # the same endorsement listed twice (in the badge and in the achievement's document)
        seen.add(key)
        if len(results) >= MAX_ENDORSEMENTS:
            unchecked += 1
            continue
        result = _checked(endorsement, subject=subject, source=source, now=now)
        result.key, result.depth = key, depth
        results.append(result)
        endorser = common.obj(endorsement.get("issuer"))
        if depth + 1 < MAX_DEPTH and result.counted:
            nested = _listed(endorser, result.endorser_id)
            unchecked += _check_all(
                nested, source=source, now=now, depth=depth + 1, results=results, seen=seen
            )
    return unchecked


def _checked(
    endorsement: dict[str, Any], *, subject: str, source: Source, now: datetime
) -> EndorsementResult:
    try:
        return check_one(endorsement, subject=subject, source=source, now=now)
    except SQLAlchemyError:
        raise  # this service's database failing is no verdict (as for the badge itself)
    except Exception:  # an endorsement the verifier chokes on is not counted; the badge is unaffected
        log.exception("unexpected error while checking an endorsement")
        return EndorsementResult(UNNAMED.french, "", "", subject, [Check("format", False, UNEXPECTED)])


def check_one(
    endorsement: dict[str, Any], *, subject: str, source: Source, now: datetime
) -> EndorsementResult:
    """Every check of one EndorsementCredential, in a report of its own (the badge's is untouched)."""
    issuer = common.obj(endorsement.get("issuer"))
    claim = common.obj(endorsement.get("credentialSubject"))
    name = issuer.get("name")
    comment = claim.get("endorsementComment")
    report = Report()
    result = EndorsementResult(
        endorser=name if isinstance(name, str) and name else UNNAMED.french,
        endorser_id=common.issuer_id(endorsement),
        comment=comment if isinstance(comment, str) else "",
        subject=subject,
    )
    if "EndorsementCredential" not in common.as_list(endorsement.get("type")):
        report.fail("format", NOT_ENDORSEMENT)
    elif check_contexts(endorsement, report):
        _check_content(endorsement, claim, subject, report)
        _check_proof(endorsement, source, report)
        check_status(endorsement, issuer_id=result.endorser_id, source=source, now=now, report=report)
        common.check_validity(
            endorsement.get("validFrom"), endorsement.get("validUntil"), now=now, report=report
        )
    result.checks = report.checks
    return result


def _check_content(endorsement: dict[str, Any], claim: dict[str, Any], subject: str, report: Report) -> None:
    check_schema(endorsement, report, errors_of=contexts.endorsement_schema_errors, ok=SCHEMA_OK)
    if claim.get("id") != subject:
        report.fail("subject", OTHER_SUBJECT(subject=str(claim.get("id")), expected=subject))
    else:
        report.ok("subject", SUBJECT_OK(expected=subject))


def _check_proof(endorsement: dict[str, Any], source: Source, report: Report) -> None:
    """The same key and signature checks as a badge's, the key published by the endorser."""
    proofs = common.as_list(endorsement.get("proof"))
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        report.fail("signature", NO_PROOF)
        return
    key = check_key(endorsement, proofs[0], common.issuer_id(endorsement), source, report, found=KEY_OK)
    if key is not None:
        check_signature(endorsement, key, report)
