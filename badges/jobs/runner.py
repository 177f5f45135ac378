"""Running a job in the worker: claim its record (own transaction), run its task, then mark it done, or
failed with a retry later (the delay doubles each time), or failed for good.

Idempotence: the claim is one UPDATE from queued/retrying to running, committed before the task runs, so
a job pushed twice (or run by two workers) runs once. The remaining window is at-least-once: if the
worker dies after the mail server took the message but before "done" is committed, the record stays
running; the sweeper puts it back after JOB_RUNNING_LEASE seconds and the e-mail may leave twice.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import Flask, g
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from badges.db import EXTENSION as DB_EXTENSION
from badges.db import WRITER, engine_of, get_session
from badges.jobs import bulk, imports
from badges.jobs.appctx import now
from badges.jobs.queue import TASKS, queue_of
from badges.models import Job
from badges.models.job import QUEUED, RUNNING
from badges.services.programme import import_staging
from badges.services.shared import job_records, tracing
from badges.services.shared.errors import ServiceError

log = logging.getLogger(__name__)
# Kinds that report progress after each step (their heartbeat): dead after AWARD_CHUNK_LEASE seconds.
SHORT_LEASE = (bulk.CHUNK, *imports.KINDS)


def run(app: Flask, job_id: int, request_id: str | None) -> None:
    """Run one job with the request id of the request that queued it; links are built on BASE_URL."""
    with tracing.bound_request_id(request_id), app.test_request_context(base_url=str(app.config["BASE_URL"])):
        # The worker writes (claim, outcome): the writer session (SQLite: BEGIN IMMEDIATE).
        _writer_session(app)
        _run(app, job_id, request_id)


def _writer_session(app: Flask) -> Session:
    """The job's session (badges.db.get_session finds it): a writer, since the worker writes outcomes."""
    session: Session = app.extensions[DB_EXTENSION](bind=app.extensions[WRITER])
    g.db_session = session
    return session


def _run(app: Flask, job_id: int, request_id: str | None) -> None:
    session = get_session()
    job = job_records.claim(session, job_id, now=now())
    session.commit()
    if job is None:
        log.info("job %s already taken, done or failed: not run again", job_id)
        return
    kind, payload, attempt = job.kind, dict(job.payload), job.attempts
    try:
        TASKS[kind](job_id, payload)
        session.commit()
    except Exception as exc:
        session.rollback()
        error = exc.said.code if isinstance(exc, ServiceError) else job_records.UNEXPECTED.code
        log.warning("job %s (%s) attempt %s failed: %s", job_id, kind, attempt, error,
                    exc_info=not isinstance(exc, ServiceError))  # fmt: skip
        delay = job_records.fail(
            session, job_id, error=error, now=now(), first_delay=float(app.config["JOB_RETRY_DELAY"])
        )
        session.commit()
        if delay is not None:
            queue_of(app).push(job_id, request_id, delay=delay)
        return
    job_records.finish(session, job_id, now=now())
    session.commit()
    log.info("job %s (%s) done at attempt %s", job_id, kind, attempt)


def sweep(app: Flask) -> None:
    """Push again the jobs whose queue message was lost, and forget the staged rows of ended imports
    (periodic, in the worker); its lines carry an id of their own (no request started it)."""
    with tracing.bound_request_id(None):
        _sweep(app)


def _sweep(app: Flask) -> None:
    with app.app_context():
        session = _writer_session(app)
        try:
            lost = job_records.stale(
                session,
                now=now(),
                lost_after=timedelta(seconds=float(app.config["JOB_LOST_AFTER"])),
                running_lease=timedelta(seconds=float(app.config["JOB_RUNNING_LEASE"])),
                leases={
                    kind: timedelta(seconds=float(app.config["AWARD_CHUNK_LEASE"])) for kind in SHORT_LEASE
                },
            )
            rows = (
                session.execute(select(Job.id, Job.request_id).where(Job.id.in_(lost))).all() if lost else []
            )
            # An import that ended without deleting its staged rows (personal data) loses them now.
            if forgotten := import_staging.discard_abandoned(session):
                log.warning("%s staged import rows of ended jobs deleted", forgotten)
            session.commit()
        except SQLAlchemyError as exc:  # no database yet (before `badges db upgrade`), or it is down
            log.warning("job sweep skipped: %s", type(exc).__name__)
            return
    for job_id, request_id in rows:
        log.warning("job %s pushed again (its queue message was lost or its worker died)", job_id)
        queue_of(app).push(job_id, request_id)


def wait(app: Flask, timeout: float = 30.0) -> bool:
    """Wait until no job is queued or running (tests; jobs waiting for a retry are not waited for)."""
    deadline = time.monotonic() + timeout
    engine = engine_of(app)
    while True:
        with engine.connect() as conn:
            busy = conn.scalar(select(func.count()).select_from(Job).where(Job.state.in_((QUEUED, RUNNING))))
        if not busy:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
