"""Automatic issuance: when the rules of a class hold for a beneficiary, the badge is issued once.

Called in the transaction that recorded the evaluations or attendance, so the evaluation and the
credential are committed together. Exactly once is the database's job: the unique constraint on
(badge class, beneficiary) makes a concurrent request's award a Conflict, which is not an error here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from badges.models import (
    Atelier,
    Attendance,
    BadgeClass,
    Beneficiary,
    Credential,
    Evaluation,
    PendingAward,
    ReviewFlag,
)
from badges.services.credentials import issuance
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import award_dates, badge_classes, beneficiaries, pathway_badges, rules
from badges.services.shared.errors import Conflict

SELF_ASSESSMENT = "auto_evaluation"
MAX_LISTED_ATELIERS = 12


@dataclass(frozen=True)
class Issuing:
    """What signing an award needs, handed down from the request or command."""

    keyring: Keyring
    links: Links
    now: datetime
    # Above this many awards to sign, `settle` leaves them to a bulk job (Outcome.deferred); None: all now.
    inline_max: int | None = None


@dataclass(frozen=True)
class NotIssued:
    """A badge the save could have led to and did not, with every reason (rules.Shortfall)."""

    badge: BadgeClass
    person: Beneficiary
    reasons: list[rules.Shortfall]


@dataclass
class Outcome:
    issued: list[Credential] = field(default_factory=list)
    pending: list[PendingAward] = field(default_factory=list)
    flags: list[ReviewFlag] = field(default_factory=list)
    not_issued: list[NotIssued] = field(default_factory=list)
    # (badge class id, beneficiary id) due and consented, left to a bulk issuance job (jobs/bulk.py).
    deferred: list[tuple[int, int]] = field(default_factory=list)

    def merge(self, other: Outcome) -> Outcome:
        self.issued += other.issued
        self.deferred += other.deferred
        self.pending += other.pending
        self.flags += other.flags
        self.not_issued += other.not_issued
        return self


def latest_staff_results(session: Session, beneficiary_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """(beneficiary, competency) ids -> result of the latest evaluation by staff (never a self-assessment)."""
    rows = session.execute(
        select(Evaluation.beneficiary_id, Evaluation.competency_id, Evaluation.result)
        .where(Evaluation.beneficiary_id.in_(list(beneficiary_ids)), Evaluation.method != SELF_ASSESSMENT)
        .order_by(Evaluation.evaluated_at, Evaluation.id)
    )
    return {(b, c): result for b, c, result in rows}


def facts_for(session: Session, beneficiary: Beneficiary) -> rules.Facts:
    levels = latest_staff_results(session, [beneficiary.id])
    ateliers, minutes = session.execute(
        select(func.count(Atelier.id), func.coalesce(func.sum(Atelier.duration_minutes), 0))
        .join(Attendance, Attendance.atelier_id == Atelier.id)
        .where(Attendance.beneficiary_id == beneficiary.id, Attendance.present.is_(True))
    ).one()
    return rules.Facts(
        staff_levels={c: r for (_, c), r in levels.items()}, ateliers=ateliers, minutes=minutes
    )


def evidence_for(session: Session, beneficiary: Beneficiary, badge: BadgeClass) -> list[dict[str, str]]:
    """The ateliers attended and a summary of the evaluations: no name, no note, no evaluator."""
    attended = list(
        session.scalars(
            select(Atelier)
            .join(Attendance, Attendance.atelier_id == Atelier.id)
            .where(Attendance.beneficiary_id == beneficiary.id, Attendance.present.is_(True))
            .order_by(Atelier.held_on, Atelier.id)
        )
    )
    evidence = []
    if attended:
        hours = sum(a.duration_minutes for a in attended) / 60
        listed = [
            f"{a.held_on:%d/%m/%Y} : {a.title} ({a.duration_minutes} min)"
            for a in attended[-MAX_LISTED_ATELIERS:]
        ]
        more = len(attended) - len(listed)
        narrative = f"{len(attended)} ateliers suivis, {hours:g} heures au total.\n" + "\n".join(listed)
        evidence.append(
            {"name": "Ateliers suivis", "narrative": narrative + (f"\n(et {more} autres)" if more else "")}
        )
    summary = _evaluation_summary(session, beneficiary, badge)
    if summary:
        evidence.append({"name": "Évaluations par un médiateur", "narrative": summary})
    return issuance.validate_evidence([_clip(item) for item in evidence])


def _evaluation_summary(session: Session, beneficiary: Beneficiary, badge: BadgeClass) -> str:
    wanted = rules.required_competencies(badge)
    latest: dict[int, Evaluation] = {}
    for evaluation in session.scalars(
        select(Evaluation)
        .where(
            Evaluation.beneficiary_id == beneficiary.id,
            Evaluation.competency_id.in_(wanted),
            Evaluation.method != SELF_ASSESSMENT,
        )
        .order_by(Evaluation.evaluated_at, Evaluation.id)
    ):
        latest[evaluation.competency_id] = evaluation
    lines = [
        f"{e.competency.code} {e.competency.title} : {e.result} ({e.method.replace('_', ' ')}, "
        f"{e.evaluated_at:%d/%m/%Y})"
        for e in sorted(latest.values(), key=lambda e: e.competency.position)
    ]
    return "\n".join(lines)


def _clip(item: dict[str, str]) -> dict[str, str]:
    text = item["narrative"]
    return {**item, "narrative": text if len(text) <= 2000 else text[:1995].rsplit("\n", 1)[0] + "\n…"}


def due(session: Session, people: list[Beneficiary]) -> list[tuple[BadgeClass, Beneficiary]]:
    """The automatic badges whose rules now hold and that these people do not hold yet."""
    if not people:
        return []
    found = []
    classes = badge_classes.auto_awarded(session, people[0].issuer_id)
    for person in people:
        held = set(
            session.scalars(select(Credential.badge_class_id).where(Credential.beneficiary_id == person.id))
        )
        candidates = [badge for badge in classes if badge.id not in held]
        facts = facts_for(session, person) if candidates else None
        found += [(badge, person) for badge in candidates if facts is not None and rules.holds(badge, facts)]
    return found


def settle(session: Session, issuing: Issuing, beneficiaries: Iterable[Beneficiary]) -> Outcome:
    """Issue every automatic badge whose rules now hold; without consent, record a pending award. Past
    `issuing.inline_max` awards to sign, none is signed here: they go to Outcome.deferred (a bulk job).
    Pathway badges come after the others, so a component issued by this very save counts at once (a
    bulk job settles them after storing its chunk)."""
    outcome = Outcome()
    people = list(beneficiaries)
    found = due(session, people)
    to_sign = [(badge, person) for badge, person in found if person.consent_at is not None]
    if issuing.inline_max is not None and len(to_sign) > issuing.inline_max:
        outcome.deferred = [(badge.id, person.id) for badge, person in to_sign]
        found = [(badge, person) for badge, person in found if person.consent_at is None]
    for badge, person in found:
        outcome.merge(award_or_wait(session, issuing, badge, person))
    outcome.merge(settle_pathway_badges(session, issuing, people))
    return outcome


def settle_pathway_badges(session: Session, issuing: Issuing, people: Iterable[Beneficiary]) -> Outcome:
    """The pathway badges these people's components and attendance now complete, issued or waiting."""
    outcome = Outcome()
    for person in people:
        for badge in pathway_badges.due(session, person):
            outcome.merge(award_or_wait(session, issuing, badge, person))
    return outcome


def award_by_ids(
    session: Session, issuing: Issuing, badge_class_id: int, beneficiary_id: int
) -> Credential | None:
    """The award a bulk job signs (`prepare`, not stored), or None when it exists already, or when the
    person or class is gone or the person no longer consents (nothing to sign). A RuleError (no usable
    key, class unpublished) fails the job, which says so to staff and retries later."""
    badge, person = session.get(BadgeClass, badge_class_id), session.get(Beneficiary, beneficiary_id)
    if badge is None or person is None or person.consent_at is None:
        return None
    if not issuance.may_award(badge, person):  # a shared class whose sharing stopped since
        return None
    if issuance.existing_award(session, badge_class=badge, beneficiary=person) is not None:
        return None
    return _issue(
        session,
        issuing,
        badge,
        person,
        evidence=evidence_for(session, person, badge),
        awarded_at=award_dates.award_date(session, person, badge, issuing.now),
        store=False,
    )


def classes_of_atelier(session: Session, atelier: Atelier) -> list[BadgeClass]:
    """The automatic classes an atelier can lead to: its pathway's, and those reading its competences."""
    worked = {c.id for c in atelier.competencies}
    linked = {badge.id for badge in atelier.pathway.badge_classes}
    return [
        badge
        for badge in badge_classes.auto_awarded(session, atelier.pathway.issuer_id)
        if badge.id in linked or worked & rules.required_competencies(badge)
    ]


def explain(
    session: Session, outcome: Outcome, classes: list[BadgeClass], people: Iterable[Beneficiary]
) -> list[NotIssued]:
    """Why each of these classes was not issued to each of these people by this save."""
    issued = {(c.badge_class_id, c.beneficiary_id) for c in outcome.issued}
    found = []
    for person in people:
        held = set(
            session.scalars(select(Credential.badge_class_id).where(Credential.beneficiary_id == person.id))
        )
        facts = facts_for(session, person)
        for badge in classes:
            if (badge.id, person.id) in issued:
                continue
            reasons = [rules.Shortfall("already")] if badge.id in held else rules.shortfalls(badge, facts)
            if not reasons and person.consent_at is None:
                reasons = [rules.Shortfall("consent")]
            if reasons:
                found.append(NotIssued(badge, person, reasons))
    return found


def award_or_wait(session: Session, issuing: Issuing, badge: BadgeClass, person: Beneficiary) -> Outcome:
    """Issue this badge now, or record it as waiting for consent; losing a race to another request is fine.
    A class another tiers-lieu stopped sharing since is neither issued nor kept waiting."""
    if not issuance.may_award(badge, person):
        return Outcome()
    if person.consent_at is None:
        pending = _pending(session, badge, person, issuing.now)
        return Outcome(pending=[pending] if pending else [])
    parts = pathway_badges.parts_for(session, badge, person)
    if parts == []:
        return Outcome()  # a pathway badge no longer earned (a component revoked while it waited)
    try:
        credential = _issue(
            session,
            issuing,
            badge,
            person,
            evidence=evidence_for(session, person, badge)
            if parts is None
            else pathway_badges.evidence(parts, issuing.links),
            awarded_at=award_dates.award_date(session, person, badge, issuing.now),
        )
    except Conflict:
        # A concurrent request issued it first: exactly once, as the database guarantees.
        return Outcome()
    if parts:
        pathway_badges.record_basis(session, credential, parts)
    return Outcome(issued=[credential])


def award_by_hand(
    session: Session, issuing: Issuing, *, badge: BadgeClass, person: Beneficiary, evidence: list[dict]
) -> Credential:
    """A staff member's award, then the pathway badges it completes, in the same transaction."""
    credential = _issue(session, issuing, badge, person, evidence=evidence)
    for pathway_badge in pathway_badges.due(session, person):
        award_or_wait(session, issuing, pathway_badge, person)
    return credential


def _issue(
    session: Session,
    issuing: Issuing,
    badge: BadgeClass,
    person: Beneficiary,
    *,
    evidence: list[dict],
    awarded_at: datetime | None = None,
    store: bool = True,
) -> Credential:
    """The one call into issuance with the issuing's keys, links and clock: the award stored (`award`), or
    signed only for a bulk job to store later (`prepare`, store=False)."""
    sign = issuance.award if store else issuance.prepare
    return sign(
        session,
        issuing.keyring,
        badge_class=badge,
        beneficiary=person,
        links=issuing.links,
        now=issuing.now,
        evidence=evidence,
        awarded_at=awarded_at,
    )


def _pending(session: Session, badge: BadgeClass, person: Beneficiary, now: datetime) -> PendingAward | None:
    exists = session.scalar(
        select(PendingAward.id).where(
            PendingAward.badge_class_id == badge.id, PendingAward.beneficiary_id == person.id
        )
    )
    if exists is not None:
        return None
    pending = PendingAward(badge_class=badge, beneficiary=person, created_at=now)
    try:
        with session.begin_nested():
            session.add(pending)
    except IntegrityError:
        return None
    return pending


def on_consent(session: Session, issuing: Issuing, beneficiary: Beneficiary) -> Outcome:
    """Consent recorded: the badges waiting for it are issued now, then any other one now due."""
    beneficiaries.record_consent(beneficiary, now=issuing.now)
    outcome = Outcome()
    for pending in list(
        session.scalars(select(PendingAward).where(PendingAward.beneficiary_id == beneficiary.id))
    ):
        badge = pending.badge_class
        session.delete(pending)
        session.flush()
        outcome.merge(award_or_wait(session, issuing, badge, beneficiary))
    return outcome.merge(settle(session, issuing, [beneficiary]))


def flag_lowered(
    session: Session, evaluation: Evaluation, previous: str | None, now: datetime
) -> list[ReviewFlag]:
    """A staff result lower than the previous one flags the badges resting on it; nothing is revoked."""
    if (
        previous is None
        or evaluation.method == SELF_ASSESSMENT
        or rules.rank(evaluation.result) >= rules.rank(previous)
    ):
        return []
    flags = []
    for credential in session.scalars(
        select(Credential).where(
            Credential.beneficiary_id == evaluation.beneficiary_id,
            Credential.revoked_at.is_(None),
            Credential.erased_at.is_(None),
        )
    ):
        if evaluation.competency_id in rules.required_competencies(credential.badge_class):
            flag = ReviewFlag(
                credential=credential,
                evaluation_id=evaluation.id,
                competency_id=evaluation.competency_id,
                previous_result=previous,
                new_result=evaluation.result,
                created_at=now,
            )
            session.add(flag)
            flags.append(flag)
    return flags
