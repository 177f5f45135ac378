"""The huey consumer that runs the jobs: `badges worker` (its own process), or a thread beside the app
(JOBS_IN_PROCESS, the tests: one process, a memory:// queue)."""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask
from huey.consumer import Consumer

from badges.db import engine_of
from badges.jobs import runner
from badges.jobs.queue import queue_of

EXTENSION = "badges.jobs.worker"
log = logging.getLogger(__name__)
SWEEPER: dict[str, int] = {}


class ThreadConsumer(Consumer):
    """A consumer started from a thread that is not the main one: no signal handlers of its own."""

    def _set_signal_handlers(self) -> None:
        pass


def consumer(app: Flask, workers: int, *, in_thread: bool = False, processes: bool = False) -> Consumer:
    """Worker threads, or worker processes (`processes`: CPU-bound jobs such as bulk issuance use every
    core; each forked process opens its own database connections)."""
    kind = ThreadConsumer if in_thread else Consumer
    huey = queue_of(app).huey
    if processes:
        # Connections are never shared with the parent: it opens none after this, each child its own.
        engine_of(app).dispose()
        huey.on_startup(name="badges.fresh_connections")(lambda: engine_of(app).dispose(close=False))
    if not in_thread:
        huey.on_startup(name="badges.sweeper")(lambda: start_sweeper(app))
    return kind(
        huey,
        workers=workers,
        worker_type="process" if processes else "thread",
        # The minute's sweep runs in real workers; the in-process consumer of the tests calls it when asked
        # (a background write at a random second is a SQLite lock the tests cannot plan for).
        periodic=not in_thread,
        initial_delay=0.05,
        backoff=1.15,
        max_delay=float(app.config["QUEUE_POLL_MAX"]),
        check_worker_health=not in_thread,
    )


def start_sweeper(app: Flask) -> None:
    """Sweep lost and dead jobs now (a worker restarted after a crash takes its jobs back) and every
    JOB_SWEEP_EVERY seconds after: one thread per worker process, started with its first worker (never
    in the consumer's parent process, which forks the workers and holds no database connection)."""
    if SWEEPER.get("pid") == os.getpid():
        return
    SWEEPER["pid"] = os.getpid()

    def loop() -> None:
        while True:
            try:
                runner.sweep(app)
            except Exception:
                log.exception("sweep failed")
            time.sleep(float(app.config["JOB_SWEEP_EVERY"]))

    threading.Thread(target=loop, name="badges-sweeper", daemon=True).start()


def start_in_process(app: Flask) -> None:
    """A worker thread in this process (tests): started once, stopped at exit with the process."""
    if EXTENSION in app.extensions:
        return
    running = consumer(app, int(app.config["JOBS_IN_PROCESS"]), in_thread=True)
    running.start()
    app.extensions[EXTENSION] = running


def stop_in_process(app: Flask) -> None:
    running: Consumer | None = app.extensions.pop(EXTENSION, None)
    if running is not None:
        running.stop(graceful=True)
