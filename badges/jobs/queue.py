"""The queue: a huey instance per app, built from BADGES_QUEUE_URL, and the one huey task that runs a
job record (runner.py). Jobs are pushed only once the request's transaction has committed.

- `sqlite:///path` (the embedded default, a file in the instance folder): SqliteHuey;
- `redis://host:port/db`: RedisHuey (several web servers and workers on several machines);
- `memory://`: MemoryHuey, one process only (the tests, with a worker thread beside the app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from redis import ConnectionPool
from sqlalchemy import event
from sqlalchemy.orm import Session

from badges.models import Job
from badges.services.shared import job_records, tracing

log = logging.getLogger(__name__)
EXTENSION = "badges.jobs"
PENDING = "badges.jobs.pending"

# A task: the job's id and payload (plain values); it runs in an app context with the worker's session
# (badges.db.get_session), commits what it writes before any outside effect, and raises to fail.
Task = Callable[[int, dict[str, Any]], None]
TASKS: dict[str, Task] = {}


def task(kind: str) -> Callable[[Task], Task]:
    """Declare the function that runs jobs of this kind (see docs/jobs.md)."""

    def register(function: Task) -> Task:
        assert kind not in TASKS or TASKS[kind] is function, f"two tasks for {kind}"
        TASKS[kind] = function
        return function

    return register


@dataclass
class Queue:
    """The app's huey instance and its tasks."""

    huey: Huey
    run_job: TaskWrapper
    sweep: TaskWrapper

    def push(self, job_id: int, request_id: str | None, delay: float | None = None) -> None:
        if delay:
            self.run_job.schedule(args=(job_id, request_id), delay=delay)
        else:
            self.run_job(job_id, request_id)


def make_huey(url: str, name: str) -> Huey:
    """The huey instance a queue URL names (results are not kept: the job record says it all)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Bounded waits: a readiness probe or a request never hangs on a Redis that does not answer.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        return RedisHuey(name, connection_pool=pool, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), results=False)
    if url == "memory://":
        return MemoryHuey(name, results=False)
    raise RuntimeError("BADGES_QUEUE_URL must start with sqlite:///, redis:// or be memory://")


def reachable(app: Flask) -> bool:
    """The queue answers (Redis: a command; SQLite: its file opens and reads), for /readyz."""
    try:
        queue_of(app).huey.pending_count()
    except Exception:
        log.warning("the job queue cannot be reached", exc_info=True)
        return False
    return True


def queue_of(app: Flask) -> Queue:
    found: Queue = app.extensions[EXTENSION]
    return found


def enqueue_after_commit(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    now: Any,
    key: str | None = None,
    credential_id: int | None = None,
    user_id: int | None = None,
    progress_total: int | None = None,
) -> Job:
    """Record a job in this session's transaction; push it to the queue once that transaction commits
    (a rolled-back request queues nothing, and a worker never reads rows not yet committed).

    `key` makes it idempotent: the job already recorded under that key is returned, and not queued again.
    The request id of the work in progress goes with it (the worker binds it again)."""
    assert kind in TASKS, f"no task for {kind}"
    request_id = tracing.current_request_id()
    job, created = job_records.create(
        session,
        kind=kind,
        key=key or f"{kind}:{tracing.new_request_id()}{tracing.new_request_id()}",
        payload={**payload, "request_id": request_id},
        now=now,
        max_attempts=int(current_app.config["JOB_ATTEMPTS"]),
        request_id=request_id,
        credential_id=credential_id,
        user_id=user_id,
        progress_total=progress_total,
    )
    if created:
        _pending(session).append((queue_of(current_app._get_current_object()), job.id, request_id))  # type: ignore[attr-defined]
    return job


def _pending(session: Session) -> list[tuple[Queue, int, str | None]]:
    if PENDING not in session.info:
        session.info[PENDING] = []
        event.listen(session, "after_commit", _push_pending)
        event.listen(session, "after_rollback", _forget_pending)
    found: list[tuple[Queue, int, str | None]] = session.info[PENDING]
    return found


def _push_pending(session: Session) -> None:
    pending, session.info[PENDING] = session.info[PENDING], []
    for queue, job_id, request_id in pending:
        try:
            queue.push(job_id, request_id)
        except Exception:
            # The job is recorded as queued: the sweeper pushes it again once the queue answers.
            log.exception("job %s recorded but not queued (queue unreachable)", job_id)


def _forget_pending(session: Session) -> None:
    session.info[PENDING] = []
