"""The job records (models/job.py): made with the work that queues them, claimed once, then finished,
retried later or failed. Plain functions on the session; the caller commits (badges/jobs does, around
each step, so a second run of the same job sees the first one's claim).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from badges.models import Job, User
from badges.models.job import DONE, FAILED, QUEUED, RETRYING, RUNNING, UNFINISHED
from badges.services.shared.messages import N_, message

# The last error of a job that failed on something else than a ServiceError (a bug, a lost database).
UNEXPECTED = message("job.unexpected", N_("Erreur inattendue pendant la tâche."))


@dataclass(frozen=True)
class JobState:
    """Where a job stands, for a page or the API (no payload, no personal data)."""

    kind: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    progress_done: int
    progress_total: int | None
    updated_at: datetime


def create(
    session: Session,
    *,
    kind: str,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    max_attempts: int = 1,
    request_id: str | None = None,
    credential_id: int | None = None,
    user_id: int | None = None,
    progress_total: int | None = None,
) -> tuple[Job, bool]:
    """The job of this key: (the existing one, False) or (a new queued one, True), flushed."""
    found = session.scalar(select(Job).where(Job.key == key))
    if found is not None:
        return found, False
    job = Job(
        kind=kind,
        key=key,
        state=QUEUED,
        payload=payload,
        attempts=0,
        max_attempts=max(1, max_attempts),
        progress_done=0,
        progress_total=progress_total,
        request_id=request_id,
        credential_id=credential_id,
        user_id=user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job, True


def unfinished(
    session: Session,
    *,
    kind: str,
    credential_id: int | None = None,
    user_id: int | None = None,
    key_prefix: str | None = None,
) -> Job | None:
    """The newest job of this kind for this subject (or whose key starts with `key_prefix`) that is still
    queued, running or waiting for a retry."""
    query = select(Job).where(Job.kind == kind, Job.state.in_(UNFINISHED))
    if key_prefix is not None:
        query = query.where(Job.key.startswith(key_prefix, autoescape=True))
    if credential_id is not None:
        query = query.where(Job.credential_id == credential_id)
    if user_id is not None:
        query = query.where(Job.user_id == user_id)
    return session.scalar(query.order_by(Job.id.desc()).limit(1))


def claim(session: Session, job_id: int, *, now: datetime) -> Job | None:
    """Mark the job running and count the attempt, if it waits for one (queued or to retry); None when
    it is running elsewhere, done or failed. One UPDATE: of two workers running the same job, one wins."""
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_((QUEUED, RETRYING)))
        .values(state=RUNNING, attempts=Job.attempts + 1, updated_at=now, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(Job, job_id, populate_existing=True)


def finish(session: Session, job_id: int, *, now: datetime) -> None:
    job = session.get(Job, job_id, populate_existing=True)
    if job is not None:
        job.state, job.updated_at, job.last_error = DONE, now, None
        if job.progress_total is not None:
            job.progress_done = job.progress_total


def fail(session: Session, job_id: int, *, error: str, now: datetime, first_delay: float) -> float | None:
    """Record a failed attempt: the delay before the next one (doubling each time), or None when it was
    the last (the job has failed for good)."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None:
        return None
    job.last_error, job.updated_at = error[:80], now
    if job.attempts >= job.max_attempts:
        job.state, job.next_attempt_at = FAILED, None
        return None
    delay = first_delay * 2 ** max(0, job.attempts - 1)
    job.state, job.next_attempt_at = RETRYING, now + timedelta(seconds=delay)
    return delay


def progress(session: Session, job_id: int, *, done: int, total: int | None, now: datetime) -> None:
    """Long jobs say how far they are (the page that started them reads it)."""
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(progress_done=done, progress_total=total, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def state_of(job: Job) -> JobState:
    return JobState(
        kind=job.kind,
        state=job.state,
        attempts=job.attempts,
        next_attempt_at=job.next_attempt_at,
        last_error=job.last_error,
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        updated_at=job.updated_at,
    )


def latest(
    session: Session, *, kind: str, credential_id: int | None = None, user_id: int | None = None
) -> JobState | None:
    """The newest job of this kind for a credential or a user (what the staff page shows)."""
    query = select(Job).where(Job.kind == kind)
    if credential_id is not None:
        query = query.where(Job.credential_id == credential_id)
    if user_id is not None:
        query = query.where(Job.user_id == user_id)
    job = session.scalar(query.order_by(Job.id.desc()).limit(1))
    return state_of(job) if job is not None else None


def latest_by_account(session: Session, *, kind: str, public_ids: list[str]) -> dict[str, JobState]:
    """The newest job of this kind for each of these accounts (by public id: a team list), in one query."""
    if not public_ids:
        return {}
    rows = session.execute(
        select(User.public_id, Job)
        .join(Job, Job.user_id == User.id)
        .where(Job.kind == kind, User.public_id.in_(public_ids))
        .order_by(Job.id)
    ).all()
    return {public_id: state_of(job) for public_id, job in rows}


def stale(
    session: Session,
    *,
    now: datetime,
    lost_after: timedelta,
    running_lease: timedelta,
    leases: dict[str, timedelta] | None = None,
) -> list[int]:
    """Jobs whose queue message may be lost: queued or due for a retry for longer than `lost_after`
    (the queue was down when they were queued), or running for longer than `running_lease` (their
    worker died; `leases` gives some kinds a lease of their own, e.g. jobs that beat by reporting
    progress). A running one is put back to retry: this is where a job may run twice."""
    late = now - lost_after
    waiting = session.scalars(
        select(Job.id).where(
            ((Job.state == QUEUED) & (Job.updated_at < late))
            | ((Job.state == RETRYING) & (Job.next_attempt_at < late))
        )
    ).all()
    shortest = min([running_lease, *(leases or {}).values()])
    dead = [
        job
        for job in session.scalars(select(Job).where(Job.state == RUNNING, Job.updated_at < now - shortest))
        if job.updated_at < now - (leases or {}).get(job.kind, running_lease)
    ]
    for job in dead:
        job.state, job.next_attempt_at, job.updated_at = RETRYING, now, now
    return [*waiting, *(job.id for job in dead)]
