"""Background jobs: what queuing costs a request, and how fast a `badges worker` process sends e-mails.

Usage: python bench/jobs.py [--jobs 200] [--workers 2] [--queue sqlite|redis]

An app on a fresh SQLite database queues N password-reset e-mails for one account, each in its own
transaction as a request would (record + push after commit); then `badges worker` (a subprocess, as in
production) sends them to a local aiosmtpd server. Printed: the queuing cost per job (median, p95) and
the worker's throughput from start to the last "done". Redis: database 7, a queue name of its own.
Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.jobs import mail as mail_jobs
from badges.models import Job, Role
from badges.services.accounts import users

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message_from_bytes(envelope.original_content)
        self.received += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", choices=["sqlite", "redis"], default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    counter = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    queue = f"sqlite:///{folder / 'queue.sqlite3'}" if args.queue == "sqlite" else "redis://127.0.0.1:6379/7"
    settings = {
        "DATABASE_URL": f"sqlite:///{folder / 'badges.sqlite3'}",
        "KEYS_DIR": str(folder / "keys"),
        "KEY_PASSPHRASE": "bench",
        "SECRET_KEY": "bench",
        "LINK_SECRET": "bench",
        "QUEUE_URL": queue,
        "QUEUE_NAME": f"bench-{uuid.uuid4().hex}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "QUEUE_POLL_MAX": "0.1",
    }
    app = create_app({**settings, "SMTP_PORT": port})
    with app.app_context():
        upgrade_schema(app)
        user = users.create_user(
            get_session(), email="bench@example.org", name="Bench", role=Role.COORDINATOR, issuer=None,
            password=None, now=datetime.now(UTC),
        )  # fmt: skip
        get_session().commit()
        user_id = user.id
    costs = []
    for _ in range(args.jobs):
        started = time.perf_counter()
        with app.test_request_context(method="POST"):
            session = get_session()
            mail_jobs.queue_reset(session, session.get(users.User, user_id))
            session.commit()
        costs.append(time.perf_counter() - started)
    env = {f"BADGES_{k}": v for k, v in settings.items()} | {"BADGES_INSTANCE_PATH": str(folder / "instance")}
    env |= {k: v for k, v in os.environ.items() if not k.startswith("BADGES_")}
    started = time.perf_counter()
    worker = subprocess.Popen(
        [str(BIN / "badges"), "worker", "--workers", str(args.workers)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            with engine_of(app).connect() as conn:
                done = conn.scalar(select(func.count()).select_from(Job).where(Job.state == "done"))
            if done == args.jobs:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
        smtp.stop()
    costs.sort()
    print(f"queue={args.queue} jobs={args.jobs} worker threads={args.workers}")
    print(f"queuing per job (record + commit + push): median {statistics.median(costs) * 1000:.2f} ms, "
          f"p95 {costs[int(len(costs) * 0.95) - 1] * 1000:.2f} ms")  # fmt: skip
    print(f"worker: {args.jobs} e-mails sent in {elapsed:.2f} s (start included) = "
          f"{args.jobs / elapsed:.1f} e-mails/s; received by SMTP: {counter.received}")  # fmt: skip


if __name__ == "__main__":
    main()
