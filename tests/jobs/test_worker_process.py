"""`badges worker` in its own process, as in production, on the embedded SQLite queue and on Redis.

Fault: the mail server is down when a badge's e-mail is queued. The worker fails, retries with backoff,
and once an aiosmtpd server listens on that port exactly one e-mail arrives. The job keeps the request
id of the request that queued it; Ctrl-C (SIGINT) stops the worker cleanly."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.jobs import mail as mail_jobs
from badges.models import Job
from badges.services.shared import tracing
from badges.web.context import keyring, links
from tests.factories import make_award
from tests.live_server import BIN, ROOT, environment, own_database
from tests.mailbox import Mailbox, free_port

PASSPHRASE = "worker-passphrase-51a2"
REDIS_TEST_URL = "redis://127.0.0.1:6379/7"  # the tests' own Redis database; a queue name per test


def settings(database_url: str, folder: Path, queue_url: str, smtp_port: int) -> dict[str, str]:
    """What the web app and the worker share (BADGES_* without the prefix)."""
    return {
        "DATABASE_URL": database_url,
        "KEYS_DIR": str(folder / "keys"),
        "KEY_PASSPHRASE": PASSPHRASE,
        "SECRET_KEY": "worker-test-secret",
        "LINK_SECRET": "worker-test-link-secret",
        "BASE_URL": "http://badges.example.org",
        "QUEUE_URL": queue_url,
        "QUEUE_NAME": f"badges-test-{uuid.uuid4().hex}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "JOB_RETRY_DELAY": "0.5",
        "QUEUE_POLL_MAX": "0.1",
    }


@pytest.fixture(params=["sqlite", "redis"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, dict[str, str]]]:
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}" if request.param == "sqlite" else REDIS_TEST_URL
    with own_database("worker", tmp_path) as database_url:
        shared = settings(database_url, tmp_path, queue_url, free_port())
        app = create_app({"TESTING": True, **shared, "SMTP_PORT": int(shared["SMTP_PORT"])})
        with app.app_context():
            upgrade_schema(app)
        try:
            yield app, shared
        finally:
            engine_of(app).dispose()


@pytest.fixture
def worker(setup: tuple[Flask, dict[str, str]], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    _, shared = setup
    env = environment({f"BADGES_{name}": value for name, value in shared.items()})
    env["BADGES_INSTANCE_PATH"] = str(tmp_path / "instance")
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "badges"), "worker", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def queue_award_email(app: Flask) -> int:
    """What the web request does: the award exists, the e-mail job is queued after the commit."""
    with app.test_request_context(method="POST"), tracing.bound_request_id("req-from-the-web"):
        session = get_session()
        credential = make_award(session, keyring(), links(), datetime.now(UTC))
        session.commit()
        job = mail_jobs.queue_award_email(session, credential)
        session.commit()
        return job.id


def job_state(app: Flask, job_id: int) -> Job:
    with engine_of(app).connect() as conn:
        row = conn.execute(select(Job).where(Job.id == job_id)).one()
    return row  # type: ignore[return-value]


def wait_for(app: Flask, job_id: int, state: str, timeout: float = 40.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = job_state(app, job_id)
        if found.state == state:
            return found
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {state}: {job_state(app, job_id).state}")


def test_smtp_down_the_worker_retries_and_one_email_arrives(setup, worker, tmp_path):
    app, shared = setup
    job_id = queue_award_email(app)
    failed = wait_for(app, job_id, "retrying")
    assert failed.last_error == "mail.unreachable" and failed.next_attempt_at is not None

    box = Mailbox("127.0.0.1", int(shared["SMTP_PORT"]))
    server = Controller(box, hostname="127.0.0.1", port=box.port)
    server.start()
    try:
        done = wait_for(app, job_id, "done")
        time.sleep(1.5)  # a second e-mail would have had the time to arrive
    finally:
        server.stop()
    assert len(box.received) == 1 and box.received[0]["Subject"].startswith("Votre badge")
    assert done.attempts >= 2 and done.last_error is None and done.request_id == "req-from-the-web"

    worker.send_signal(signal.SIGINT)  # Ctrl-C
    assert worker.wait(timeout=20) == 0
    log = (tmp_path / "worker.log").read_text()
    assert "Consumer exiting" in log and PASSPHRASE not in log and "awa@example.org" not in log
