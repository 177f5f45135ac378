"""Fault: the worker killed with SIGKILL in the middle of a beneficiary import (issue 18).

A real `badges worker` on a SqliteHuey file, an import job of 1,000 staged rows stored in batches of 5;
the worker's process group is killed with SIGKILL once some batches are committed, then a worker is
started again: its sweeper puts the job back once its lease ran out (it beats with each batch's progress)
and the job goes on from the rows left. In the end every row is stored exactly once and nothing is left
staged. On SQLite, and on PostgreSQL when BADGES_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

from sqlalchemy import func, select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.jobs import imports
from badges.models import Beneficiary, ImportItem, Job
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from tests.apps import Clock
from tests.factories import make_issuer
from tests.jobs.test_bulk_sigkill import database, settings, start_worker, stop, wait_until  # noqa: F401

PEOPLE = 1000


def progress(app) -> tuple[int, str, int]:
    """Rows stored (the job's progress), the job's state, rows left staged."""
    with engine_of(app).connect() as conn:
        done, state = conn.execute(
            select(Job.progress_done, Job.state).where(Job.kind == imports.BENEFICIARIES)
        ).one()
        left = conn.scalar(select(func.count()).select_from(ImportItem))
    return int(done), str(state), int(left or 0)


def staged_import(app) -> int:
    """An issuer and its import job with PEOPLE rows staged, as the import page leaves them."""
    keyring = Keyring(Path(app.config["KEYS_DIR"]), b"test-passphrase")
    links, now = Links(app.config["BASE_URL"]), app.config["CLOCK"]()
    with app.test_request_context(method="POST"):
        session = get_session()
        issuer = make_issuer(session, keyring, links, now)
        rows = [(n + 2, 1, {"display_name": f"P{n}", "consent": True}) for n in range(PEOPLE)]
        imports.queue_import(
            session, imports.BENEFICIARIES, rows, issuer_id=issuer.id, user_id=None, digest="f"
        )
        session.commit()
        return issuer.id


def test_a_worker_killed_mid_import_stores_every_row_exactly_once(database, tmp_path):  # noqa: F811
    queue = (f"sqlite:///{tmp_path / 'queue.sqlite3'}", f"badges-import-{uuid.uuid4().hex[:12]}")
    env = {**settings(database, queue, tmp_path), "BADGES_IMPORT_BATCH": "5"}
    app = create_app(
        {"DATABASE_URL": database, "KEYS_DIR": env["BADGES_KEYS_DIR"], "KEY_PASSPHRASE": "test-passphrase",
         "BASE_URL": env["BADGES_BASE_URL"], "QUEUE_URL": queue[0], "QUEUE_NAME": queue[1], "SECRET_KEY": "s",
         "LINK_SECRET": "l", "CLOCK": Clock(), "TESTING": True}
    )  # fmt: skip
    with app.app_context():
        upgrade_schema(app)
    issuer_id = staged_import(app)
    log = tmp_path / "worker.log"
    first = start_worker(env, log)
    try:
        assert wait_until(lambda: progress(app)[0] >= 100, 90), log.read_text()
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    done_at_kill, state_at_kill, _left = progress(app)
    assert done_at_kill < PEOPLE and state_at_kill == "running", "the import ended before the kill"
    second = start_worker(env, log)
    try:
        assert wait_until(lambda: progress(app)[1] == "done", 120), log.read_text()
    finally:
        stop(second)
    with engine_of(app).connect() as conn:
        names = conn.scalars(select(Beneficiary.display_name).where(Beneficiary.issuer_id == issuer_id)).all()
    assert len(names) == PEOPLE and set(names) == {f"P{n}" for n in range(PEOPLE)}
    assert progress(app) == (PEOPLE, "done", 0)
    engine_of(app).dispose()
    print(f"killed with {done_at_kill} of {PEOPLE} rows stored")
