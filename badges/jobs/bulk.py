"""Bulk issuance as jobs: a grid (or a command) that makes many badges due queues one `bulk-issue` job,
which fans out into `bulk-issue-chunk` jobs of AWARD_CHUNK awards each, so every worker process signs.

Exactly once rests on the database, not on the queue: one award per beneficiary x badge class and one
credential per status index are unique constraints. A chunk run twice (a message delivered twice, a
worker killed with SIGKILL and the chunk put back by the sweeper once its lease ran out) skips the
awards already stored. A chunk's awards are signed in a read-only transaction and stored together in a
short write transaction (each credential row with both documents and its status index, one INSERT), so
SQLite's single writer lock is held for the inserts only and processes sign in parallel; a killed
worker leaves each award either stored whole or not at all.

Progress: the chunks' progress_done (awards processed, per stored chunk) summed against the bulk job's
total; the page that queued it polls `progress` (web/staff/bulk.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.db import EXTENSION as DB_EXTENSION
from badges.db import engine_of, get_session
from badges.jobs.appctx import keyring, links, now
from badges.jobs.queue import enqueue_after_commit, task
from badges.models import Beneficiary, Credential, Job
from badges.models.job import DONE, FAILED
from badges.services.credentials import issuance
from badges.services.programme import awarding
from badges.services.shared import job_records

BULK_ISSUE = "bulk-issue"
CHUNK = "bulk-issue-chunk"
MAX_SIGNING_TRIES = 3  # a status index or a revision taken between signing and storing: sign again


def queue_bulk_issue(
    session: Session, pairs: list[tuple[int, int]], *, issuer_id: int, user_id: int | None = None
) -> Job:
    """Queue the signing of these (badge class id, beneficiary id) awards once the request commits."""
    return enqueue_after_commit(
        session,
        BULK_ISSUE,
        {"issuer": issuer_id, "pairs": [list(pair) for pair in pairs]},
        now=now(),
        user_id=user_id,
        progress_total=len(pairs),
    )


def chunk_key(job_id: int, number: int) -> str:
    return f"{BULK_ISSUE}:{job_id}:{number}"


@task(BULK_ISSUE)
def fan_out(job_id: int, payload: dict[str, Any]) -> None:
    """One chunk job per AWARD_CHUNK awards; run again, it finds the chunks already recorded (by key)."""
    session = get_session()
    pairs = payload["pairs"]
    size = max(1, int(current_app.config["AWARD_CHUNK"]))
    for number, start in enumerate(range(0, len(pairs), size)):
        chunk = pairs[start : start + size]
        enqueue_after_commit(
            session,
            CHUNK,
            {"parent": job_id, "pairs": chunk},
            now=now(),
            key=chunk_key(job_id, number),
            progress_total=len(chunk),
        )
    session.commit()


@task(CHUNK)
def issue_chunk(job_id: int, payload: dict[str, Any]) -> None:
    """Sign the chunk's awards not stored yet in one read-only session, then store them in one short
    write transaction with the chunk's progress; those refused (an index or revision taken meanwhile)
    are signed again."""
    writer = get_session()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    issuing = awarding.Issuing(keyring(), links(), now())
    pairs = [(int(badge), int(person)) for badge, person in payload["pairs"]]
    for _try in range(MAX_SIGNING_TRIES):
        reader = app.extensions[DB_EXTENSION](bind=engine_of(app))  # no write lock while signing
        try:
            signed = [awarding.award_by_ids(reader, issuing, badge, person) for badge, person in pairs]
            left = [
                (credential.badge_class.id, credential.beneficiary.id)
                for credential in signed
                if credential is not None and credential.beneficiary is not None
                if issuance.store_prepared(writer, credential) is None
            ]
        finally:
            reader.close()
        total = len(payload["pairs"])
        job_records.progress(writer, job_id, done=total - len(left), total=total, now=now())
        writer.commit()
        if not left:
            _settle_pathway_badges(writer, issuing, payload)
            return
        pairs = left


def _settle_pathway_badges(writer: Session, issuing: awarding.Issuing, payload: dict[str, Any]) -> None:
    """The pathway badges the chunk's awards complete (few: one per person and pathway), issued inline."""
    ids = sorted({int(person) for _badge, person in payload["pairs"]})
    people = [person for person in (writer.get(Beneficiary, i) for i in ids) if person is not None]
    awarding.settle_pathway_badges(writer, issuing, people)
    writer.commit()


@dataclass(frozen=True)
class Progress:
    """Where a bulk issuance stands: awards processed of the total, and its state."""

    done: int
    total: int
    state: str  # queued, running, done, failed
    issued_ids: list[str]


def progress(session: Session, job_id: int) -> Progress | None:
    """The bulk job's progress, read from its chunks; None when there is no such bulk job."""
    job = session.get(Job, job_id)
    if job is None or job.kind != BULK_ISSUE:
        return None
    total = job.progress_total or 0
    chunks = session.execute(
        select(Job.state, Job.progress_done).where(Job.key.like(f"{BULK_ISSUE}:{job_id}:%"))
    ).all()
    done = sum(count for _state, count in chunks)
    states = {state for state, _count in chunks}
    if job.state == FAILED or FAILED in states:
        state = FAILED
    elif job.state == DONE and states <= {DONE}:
        state = DONE
    else:
        state = job.state if not chunks else "running"
    return Progress(done=min(done, total), total=total, state=state, issued_ids=_issued(session, job, state))


def _issued(session: Session, job: Job, state: str) -> list[str]:
    """The public ids of the credentials of a finished bulk job (for links on the page)."""
    if state != DONE:
        return []
    pairs = {(badge, person) for badge, person in job.payload.get("pairs", [])}
    people = sorted({person for _badge, person in pairs})
    rows = session.execute(
        select(Credential.badge_class_id, Credential.beneficiary_id, Credential.public_id)
        .where(Credential.beneficiary_id.in_(people))
        .order_by(Credential.id)
    ).all()
    return [public_id for badge, person, public_id in rows if (badge, person) in pairs]


def count_issued(session: Session, pairs: list[tuple[int, int]]) -> int:
    """How many of these awards are stored (tests, bench)."""
    people = sorted({person for _badge, person in pairs})
    rows = session.execute(
        select(Credential.badge_class_id, Credential.beneficiary_id, func.count())
        .where(Credential.beneficiary_id.in_(people))
        .group_by(Credential.badge_class_id, Credential.beneficiary_id)
    ).all()
    wanted = set(pairs)
    return sum(count for badge, person, count in rows if (badge, person) in wanted)
