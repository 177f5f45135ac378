"""Issuance on every core: the same bulk issuance through the job queue with 1 then 2 worker processes.

Usage: python bench/issuance_cores.py [--count 400] [--chunk 10] [--processes 1 2] [--database-url URL]
       [--queue-url URL] [--reset]

For each number of processes: a `badges worker --workers N --processes` subprocess is started and warmed
up (a small bulk job, one chunk per process), then a bulk job of --count awards (a grid would queue the
same: jobs/bulk.py, chunks of --chunk awards) is queued, and the time until every award is stored is
measured. Each run issues to new beneficiaries. Prints credentials/s per run and the ratio to the first,
and the CPU the worker's processes used (from /proc): on a machine shared with other work, "cores busy"
shows whether the worker processes did run in parallel, and "ms CPU per credential" what one costs.
(Linux groups a session's processes for fair CPU sharing (autogroup): on a busy machine the worker, a
session of its own, gets one share whatever its number of processes; measure on a quiet machine.)

The database defaults to SQLite and the queue to a SqliteHuey file, in a temporary directory; for
PostgreSQL give --database-url of a database dedicated to the benchmark (--reset empties it).
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from issuance import reset_postgres, setup
from sqlalchemy import func, select

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.jobs import bulk
from badges.models import Credential, Issuer
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import beneficiaries

ROOT = Path(__file__).resolve().parent.parent
BADGES = Path(sys.executable).parent / "badges"


def stored(app: Any) -> int:
    with engine_of(app).connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Credential)) or 0)


def queue_awards(app: Any, issuer_id: int, badge_id: int, count: int, tag: str) -> int:
    """`count` new consenting beneficiaries and a bulk job issuing them the badge; how many to wait for."""
    with app.test_request_context(method="POST"):
        session = get_session()
        issuer = session.get(Issuer, issuer_id)
        people = [
            beneficiaries.create_beneficiary(
                session,
                issuer=issuer,
                data={"display_name": f"{tag}{n}", "consent": True},
                now=datetime.now(UTC),
            )
            for n in range(count)
        ]
        session.flush()
        bulk.queue_bulk_issue(session, [(badge_id, p.id) for p in people], issuer_id=issuer_id)
        session.commit()
    return count


def wait_for(app: Any, target: int, timeout: float = 1800) -> float:
    start = time.perf_counter()
    while stored(app) < target:
        if time.perf_counter() - start > timeout:
            raise SystemExit(f"timed out: {stored(app)} of {target} stored")
        time.sleep(0.02)
    return time.perf_counter()


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the processes of this process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def run(
    app: Any, env: dict[str, str], ids: tuple[int, int], processes: int, count: int, chunk: int
) -> tuple[float, float]:
    """Credentials per second, and the CPU the worker used per second of the run (cores kept busy)."""
    log = open(Path(env["BADGES_KEYS_DIR"]).parent / f"worker-{processes}.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [str(BADGES), "worker", "--workers", str(processes), "--processes"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        target = stored(app) + queue_awards(app, *ids, processes * chunk, f"w{processes}-")
        wait_for(app, target)  # warm: every process has imported, read its keys, signed
        target = stored(app) + count
        start, cpu = time.perf_counter(), group_cpu(worker.pid)
        queue_awards(app, *ids, count, f"r{processes}-")
        end = wait_for(app, target)
        cpu = group_cpu(worker.pid) - cpu
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
        log.close()
    return count / (end - start), cpu / (end - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--chunk", type=int, default=10)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url", default=os.environ.get("BADGES_BENCH_DATABASE_URL"))
    parser.add_argument("--queue-url", default=None, help="default: a SqliteHuey file; or redis://...")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database's public schema")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cores-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgresql") and args.reset:
        reset_postgres(url)
    queue = args.queue_url or f"sqlite:///{tmp / 'queue.sqlite3'}"
    config = {"DATABASE_URL": url, "KEYS_DIR": str(tmp / "keys"), "KEY_PASSPHRASE": "bench",
              "SECRET_KEY": "bench", "LINK_SECRET": "bench", "QUEUE_URL": queue,
              "QUEUE_NAME": f"bench-{uuid.uuid4().hex[:8]}", "AWARD_CHUNK": args.chunk,
              "QUEUE_POLL_MAX": 0.05}  # fmt: skip
    app = create_app(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGES_")}
    env.update({f"BADGES_{k}": str(v) for k, v in config.items()})
    with app.app_context():
        upgrade_schema(app)
        issuer, badge = setup(
            get_session(), Keyring(tmp / "keys", b"bench"), Links(app.config["BASE_URL"]), datetime.now(UTC)
        )
        ids = (issuer.id, badge.id)
    print(f"database: {url.split(':')[0]}; queue: {queue.split(':')[0]}; {os.cpu_count()} cores; "
          f"{args.count} awards in chunks of {args.chunk}\n")  # fmt: skip
    rates = []
    for processes in args.processes:
        rate, busy = run(app, env, ids, processes, args.count, args.chunk)
        rates.append(rate)
        print(f"{processes} worker process(es): {rate:.1f} credentials/s, x{rate / rates[0]:.2f} the "
              f"first run; worker CPU {busy:.2f} core(s) busy, {busy / rate * 1000:.1f} ms CPU per "
              "credential")  # fmt: skip


if __name__ == "__main__":
    main()
