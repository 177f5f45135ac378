"""The huey consumer that runs the jobs: `badges worker` (its own process), or a thread beside the app
(JOBS_IN_PROCESS, the tests: one process, a memory:// queue)."""

from __future__ import annotations

from flask import Flask
from huey.consumer import Consumer

from badges.jobs.queue import queue_of

EXTENSION = "badges.jobs.worker"


class ThreadConsumer(Consumer):
    """A consumer started from a thread that is not the main one: no signal handlers of its own."""

    def _set_signal_handlers(self) -> None:
        pass


def consumer(app: Flask, workers: int, *, in_thread: bool = False) -> Consumer:
    kind = ThreadConsumer if in_thread else Consumer
    return kind(
        queue_of(app).huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.15,
        max_delay=float(app.config["QUEUE_POLL_MAX"]),
        check_worker_health=not in_thread,
    )


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
