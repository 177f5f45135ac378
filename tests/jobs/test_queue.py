"""The queue infrastructure (badges/jobs) with the suite's real huey consumer thread (memory:// queue).

Jobs are recorded in the request's transaction and pushed after its commit; the worker claims each
record once, runs its task with the request id that queued it, and retries failures later."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from badges import jobs
from badges.db import get_session
from badges.jobs import runner
from badges.jobs.queue import queue_of
from badges.models import Job
from badges.services.shared import job_records, tracing
from badges.services.shared.errors import ServiceError
from badges.services.shared.mail import UNREACHABLE

RUNS: list[dict[str, Any]] = []
FAILURES: dict[str, int] = {}


@jobs.task("test.record")
def record(job_id: int, payload: dict[str, Any]) -> None:
    """Notes each run, with the request id bound in the worker."""
    RUNS.append({"job": job_id, "payload": payload, "request_id": tracing.current_request_id()})


@jobs.task("test.flaky")
def flaky(job_id: int, payload: dict[str, Any]) -> None:
    """Fails as many times as the payload says, then succeeds."""
    seen = FAILURES.get(payload["name"], 0)
    if seen < payload["fail"]:
        FAILURES[payload["name"]] = seen + 1
        raise ServiceError(UNREACHABLE)
    RUNS.append({"job": job_id, "payload": payload, "request_id": tracing.current_request_id()})


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    RUNS.clear()
    FAILURES.clear()
    yield


def queue(app: Flask, kind: str, payload: dict[str, Any], *, commit: bool = True, **options: Any) -> int:
    """Queue a job as a request would (its own session and request id); commit or roll back."""
    with app.test_request_context(method="POST"), tracing.bound_request_id("req-" + kind):
        session = get_session()
        job = jobs.enqueue_after_commit(session, kind, payload, now=app.config["CLOCK"](), **options)
        job_id = job.id
        if commit:
            session.commit()
        else:
            session.rollback()
    return job_id


def job(app: Flask, job_id: int) -> Job | None:
    with app.app_context():
        found = get_session().get(Job, job_id)
        get_session().expunge_all()
        return found


def test_a_committed_job_runs_in_the_worker_with_the_request_id(app):
    job_id = queue(app, "test.record", {"n": 1})
    assert jobs.wait(app)
    assert [(r["job"], r["payload"]["n"], r["request_id"]) for r in RUNS] == [(job_id, 1, "req-test.record")]
    done = job(app, job_id)
    assert done is not None and done.state == "done" and done.attempts == 1
    assert done.request_id == "req-test.record" and done.payload["request_id"] == "req-test.record"


def test_a_rolled_back_request_queues_nothing(app):
    pending_before = queue_of(app).huey.pending_count()
    queue(app, "test.record", {"n": 2}, commit=False)
    assert queue_of(app).huey.pending_count() == pending_before
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Job)) == 0
    time.sleep(0.3)  # the worker had time to run anything it was given
    assert RUNS == []


def test_a_job_pushed_twice_runs_once(app):
    job_id = queue(app, "test.record", {"n": 3})
    queue_of(app).push(job_id, "again")
    threads = [threading.Thread(target=runner.run, args=(app, job_id, "again")) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert jobs.wait(app)
    time.sleep(0.3)
    assert len(RUNS) == 1


def test_the_same_key_gives_the_same_job_and_queues_it_once(app):
    first = queue(app, "test.record", {"n": 4}, key="test:same")
    second = queue(app, "test.record", {"n": 5}, key="test:same")
    assert first == second
    assert jobs.wait(app)
    assert [r["payload"]["n"] for r in RUNS] == [4]


def test_a_failing_job_is_retried_with_a_growing_delay_then_done(app):
    job_id = queue(app, "test.flaky", {"name": "twice", "fail": 2})
    deadline = time.monotonic() + 15
    states = set()
    while time.monotonic() < deadline and not RUNS:
        found = job(app, job_id)
        assert found is not None
        states.add(found.state)
        if found.state == "retrying":
            assert found.last_error == "mail.unreachable" and found.next_attempt_at is not None
        time.sleep(0.02)
    assert jobs.wait(app)
    done = job(app, job_id)
    assert done is not None and done.state == "done" and done.attempts == 3 and done.last_error is None
    assert "retrying" in states and len(RUNS) == 1 and RUNS[0]["request_id"] == "req-test.flaky"


def test_a_job_fails_for_good_after_its_last_attempt(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_ATTEMPTS", 2)
    job_id = queue(app, "test.flaky", {"name": "always", "fail": 99})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (found := job(app, job_id)) is not None and found.state != "failed":
        time.sleep(0.05)
    failed = job(app, job_id)
    assert failed is not None and failed.state == "failed" and failed.attempts == 2
    assert failed.last_error == "mail.unreachable" and failed.next_attempt_at is None
    assert RUNS == []


def test_the_delay_doubles_with_each_attempt(session, now):
    made, _ = job_records.create(session, kind="test.flaky", key="k", payload={}, now=now, max_attempts=4)
    delays = []
    for _attempt in range(4):
        assert job_records.claim(session, made.id, now=now) is not None
        delays.append(job_records.fail(session, made.id, error="x", now=now, first_delay=30))
    assert delays == [30, 60, 120, None]
    assert job_records.claim(session, made.id, now=now) is None  # failed for good: never claimed again


def test_the_sweeper_pushes_again_a_job_whose_message_was_lost(app, monkeypatch):
    """The queue was down at commit: the record waits as queued; the sweeper pushes it again."""
    with app.test_request_context(method="POST"):
        session = get_session()
        lost, _ = job_records.create(
            session,
            kind="test.record",
            key="lost",
            payload={"n": 6},
            now=app.config["CLOCK"](),
            max_attempts=3,
        )
        session.commit()  # recorded, never pushed: as if the queue had not answered
        lost_id = lost.id
    time.sleep(0.3)
    assert RUNS == []
    monkeypatch.setitem(app.config, "JOB_LOST_AFTER", 0)
    runner.sweep(app)
    assert jobs.wait(app)
    assert [r["job"] for r in RUNS] == [lost_id]


def test_a_job_whose_worker_died_is_retried_once_its_lease_is_over(app, monkeypatch):
    """Running for longer than the lease: the worker was killed. The job runs again (at-least-once)."""
    with app.test_request_context(method="POST"):
        session = get_session()
        dead, _ = job_records.create(
            session,
            kind="test.record",
            key="dead",
            payload={"n": 7},
            now=app.config["CLOCK"](),
            max_attempts=3,
        )
        assert job_records.claim(session, dead.id, now=app.config["CLOCK"]()) is not None
        session.commit()
        dead_id = dead.id
    runner.sweep(app)  # within the lease: left alone
    time.sleep(0.3)
    assert RUNS == []
    monkeypatch.setitem(app.config, "JOB_RUNNING_LEASE", 0)
    monkeypatch.setitem(app.config, "JOB_LOST_AFTER", 3600)
    runner.sweep(app)
    deadline = time.monotonic() + 10
    while not RUNS and time.monotonic() < deadline:  # put back to retry at once (not waited for by wait)
        time.sleep(0.05)
    assert jobs.wait(app)
    found = job(app, dead_id)
    assert [r["job"] for r in RUNS] == [dead_id] and found is not None and found.attempts == 2
