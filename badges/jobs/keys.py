"""Status-list re-signing after a key change (compromise, rotation), as a job.

The key change itself stays in the request or command (verification reads a key's status live); the
`resign-lists` job then signs every status list of the issuer again with the key in force, one list per
short transaction, reporting its progress ("Listes de statut : 3 sur 5 re-signées" on the keys page).

Idempotent: a list already signed by the key in force is skipped (a retry, a message delivered twice, or
a revocation that signed it meanwhile), so running the job twice signs nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges.db import get_session
from badges.jobs.appctx import keyring, links, now
from badges.jobs.queue import enqueue_after_commit, task
from badges.models import Job
from badges.services.credentials import revocation

RESIGN_LISTS = "resign-lists"


def queue_resign(session: Session, *, issuer_id: int, reason: str, user_id: int | None = None) -> Job:
    """Queue the re-signing of the issuer's lists once the key change commits (`reason` names the change,
    e.g. the compromised key's public id: the same change queues one job)."""
    total = len(revocation.issuer_list_ids(session, issuer_id=issuer_id))
    return enqueue_after_commit(
        session,
        RESIGN_LISTS,
        {"issuer": issuer_id},
        now=now(),
        key=f"{RESIGN_LISTS}:{issuer_id}:{reason}",
        user_id=user_id,
        progress_total=total,
    )


@task(RESIGN_LISTS)
def resign_lists(job_id: int, payload: dict[str, Any]) -> None:
    """Sign again each list of the issuer not yet signed by the key in force; commit after each."""
    session = get_session()
    ids = revocation.issuer_list_ids(session, issuer_id=int(payload["issuer"]))
    for done, list_id in enumerate(ids, start=1):
        revocation.resign_if_stale(session, keyring(), status_list_id=list_id, links=links(), now=now())
        job = session.get(Job, job_id)
        assert job is not None
        job.progress_done, job.progress_total, job.updated_at = done, len(ids), now()
        session.commit()


@dataclass(frozen=True)
class Resigning:
    """The newest re-signing of an issuer's lists, for the keys page."""

    job_id: int
    state: str
    done: int
    total: int
    last_error: str | None


def latest(session: Session, *, issuer_id: int) -> Resigning | None:
    job = session.scalar(
        select(Job)
        .where(Job.kind == RESIGN_LISTS, Job.key.like(f"{RESIGN_LISTS}:{issuer_id}:%"))
        .order_by(Job.id.desc())
        .limit(1)
    )
    return None if job is None else _resigning(job)


def latest_by_id(session: Session, job_id: int) -> Resigning:
    job = session.get(Job, job_id, populate_existing=True)
    assert job is not None and job.kind == RESIGN_LISTS
    return _resigning(job)


def _resigning(job: Job) -> Resigning:
    total = job.progress_total or 0
    return Resigning(job.id, job.state, min(job.progress_done, total), total, job.last_error)
