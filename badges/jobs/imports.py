"""Beneficiary and programme imports as jobs (issue 18): the request checks the whole file (every bad row
reported, nothing stored), stages the checked items (services/programme/import_staging.py) and queues a
job; the job stores them in batches of about IMPORT_BATCH lines, each batch committed with the job's
progress, so the page that started it shows "Import en cours : 1 200 / 5 000 lignes".

Exactly once: a batch's items are deleted from the staging table in the transaction that stores them, so
a worker killed mid-batch leaves that batch whole to do again, and a job run twice finds nothing left.

Data changed between the check and the job (a person of the file deleted, a framework removed): the job
stops on the first item that no longer holds, and the batches already committed stay. Chosen over an
atomic import because each batch is committed so that a killed worker resumes where it was: undoing them
would mean deleting people and pathways staff may already be working with (enrolled, evaluated, given a
badge) by then. A pathway is never cut in two (one item holds it with its ateliers and attendance). The
job records the line it stopped at; the page says how many lines are imported and which one failed.
The job is retried like any other (the change may be undone meanwhile); once it has failed for good,
whatever the failure, the rest of the staged data is deleted; the sweeper (jobs/runner.py) deletes what
a job that ended without doing so left (its worker killed on its last attempt).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from flask import current_app
from sqlalchemy.orm import Session

from badges.db import get_session
from badges.jobs.appctx import now
from badges.jobs.queue import enqueue_after_commit, task
from badges.models import Issuer, Job
from badges.services.programme import beneficiaries, import_staging, programme_io
from badges.services.shared import job_records, row_locks
from badges.services.shared.errors import Conflict, ServiceError
from badges.services.shared.job_records import JobState
from badges.services.shared.messages import N_, Message, message

BENEFICIARIES = "beneficiary-import"
PROGRAMME = "programme-import"
KINDS = (BENEFICIARIES, PROGRAMME)
CHANGED = message(
    "import.changed",
    N_("Une ligne ne correspond plus aux données du tiers-lieu (une personne ou un référentiel supprimé ?)."),
)
GONE = message("import.gone", N_("Ce tiers-lieu n’existe plus."))

# Stores one staged item (its plain data) in the tiers-lieu; raises a ServiceError when it no longer holds.
Store = Callable[[Session, Issuer, dict[str, Any], datetime], object]


def queue_import(
    session: Session,
    kind: str,
    items: Sequence[tuple[int, int, dict[str, Any]]],
    *,
    issuer_id: int,
    user_id: int | None,
    digest: str,
) -> Job:
    """Stage the checked items (first line, lines, data) and queue their job once the request commits.

    `digest` (the file's SHA-256) makes a file sent twice while its import is still under way (a double
    click, a page sent again) one import: the job already queued for it is returned. Sent again later, it
    is imported again, as asked. The tiers-lieu's row is locked first: of two requests sending the same
    file at once, the second waits for the first to commit, then finds its job."""
    assert kind in KINDS
    row_locks.lock_row(session, Issuer, Issuer.id == issuer_id, touch=Issuer.slug)
    prefix = f"{kind}:{issuer_id}:{digest}:"
    under_way = job_records.unfinished(session, kind=kind, key_prefix=prefix)
    if under_way is not None:
        return under_way
    job = enqueue_after_commit(
        session,
        kind,
        {"issuer": issuer_id, "items": len(items)},
        now=now(),
        key=prefix + uuid.uuid4().hex,
        user_id=user_id,
        progress_total=sum(lines for _first, lines, _data in items),
    )
    import_staging.stage(session, job_id=job.id, items=items)
    return job


def _person(session: Session, issuer: Issuer, data: dict[str, Any], at: datetime) -> object:
    return beneficiaries.create_beneficiary(session, issuer=issuer, data=data, now=at)


def _pathway(session: Session, issuer: Issuer, data: dict[str, Any], at: datetime) -> object:
    plan: programme_io.PathwayPlan = data  # type: ignore[assignment]
    return programme_io.store(session, issuer=issuer, plan=plan, now=at)


@task(BENEFICIARIES)
def import_beneficiaries(job_id: int, payload: dict[str, Any]) -> None:
    run_batches(job_id, payload, _person)


@task(PROGRAMME)
def import_programme(job_id: int, payload: dict[str, Any]) -> None:
    run_batches(job_id, payload, _pathway)


def run_batches(job_id: int, payload: dict[str, Any], store: Store) -> None:
    """Store the staged items batch by batch; each batch, its items' deletion and the progress commit
    together. Whatever stops the job on its last attempt (a row that no longer holds, a bug, a lost
    database), the rest of the staged data is deleted: no personal data stays behind a failed import."""
    session = get_session()
    try:
        _run_batches(session, job_id, payload, store)
    except Exception:
        session.rollback()
        _forget_on_last_attempt(session, job_id)
        raise


def _run_batches(session: Session, job_id: int, payload: dict[str, Any], store: Store) -> None:
    issuer = session.get(Issuer, int(payload["issuer"]))
    if issuer is None:
        _stop(session, job_id, None, GONE)
    size = max(1, int(current_app.config["IMPORT_BATCH"]))
    while batch := import_staging.next_batch(session, job_id=job_id, max_lines=size):
        for item in batch:
            line = item.first_line
            try:
                store(session, issuer, item.data, now())
                session.flush()
            except ServiceError:
                session.rollback()
                _stop(session, job_id, line, CHANGED)
        try:
            import_staging.mark_stored(session, batch)
        except Conflict:  # another run of this job stored the batch first: its rows, not these, stay
            session.rollback()
            continue
        job = session.get(Job, job_id)
        assert job is not None
        left = import_staging.lines_left(session, job_id=job_id)
        total = job.progress_total or 0
        job_records.progress(session, job_id, done=total - left, total=total, now=now())
        session.commit()


def _stop(session: Session, job_id: int, line: int | None, said: Message) -> NoReturn:
    """Record where the job stopped (the batches before stay)."""
    job = session.get(Job, job_id, populate_existing=True)
    assert job is not None
    job.payload = {**job.payload, "stopped_at": line}
    session.commit()
    raise Conflict(said)


def _forget_on_last_attempt(session: Session, job_id: int) -> None:
    """The job failed: on its last attempt (it fails for good, jobs/runner.py), forget what is left."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is not None and job.attempts >= job.max_attempts:
        import_staging.discard(session, job_id=job_id)
        session.commit()


@dataclass(frozen=True)
class Importing(JobState):
    """Where an import job stands, for the page that started it (no personal data)."""

    job_id: int
    issuer_id: int
    items: int
    stopped_at: int | None

    @property
    def total(self) -> int:
        return self.progress_total or 0

    @property
    def done(self) -> int:
        return min(self.progress_done, self.total)


def importing(session: Session, job_id: int) -> Importing | None:
    """The import job of this id (None when there is no such import job)."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.kind not in KINDS:
        return None
    return Importing(
        **vars(job_records.state_of(job)),
        job_id=job.id,
        issuer_id=int(job.payload.get("issuer", 0)),
        items=int(job.payload.get("items", 0)),
        stopped_at=job.payload.get("stopped_at"),
    )
