"""The jobs room: work done apart from the request, on a real queue (huey), recorded in the database.

Below the web layer and the CLI, above the services. `queue` builds the app's huey instance from
BADGES_QUEUE_URL and pushes jobs once the request commits (`enqueue_after_commit`); `runner` runs a job
in the worker (claim, task, outcome, retries); `mail` holds the e-mail tasks; `worker` the consumer.
How to define and queue a job: docs/jobs.md.
"""

from __future__ import annotations

from flask import Flask
from huey import crontab

from badges.jobs import bulk, imports, keys, mail, runner
from badges.jobs.queue import EXTENSION, TASKS, Queue, enqueue_after_commit, make_huey, queue_of, task
from badges.jobs.runner import wait

__all__ = ["TASKS", "enqueue_after_commit", "init_app", "queue_of", "task", "wait"]


def init_app(app: Flask) -> None:
    """The app's queue and its tasks (the tests start a worker thread beside it: worker.start_in_process)."""
    assert {mail.AWARD_EMAIL, bulk.CHUNK, keys.RESIGN_LISTS, *imports.KINDS} <= set(
        TASKS
    )  # the tasks are declared
    huey = make_huey(str(app.config["QUEUE_URL"]), str(app.config["QUEUE_NAME"]))

    def run_job(job_id: int, request_id: str | None) -> None:
        runner.run(app, job_id, request_id)

    def sweep() -> None:
        runner.sweep(app)

    app.extensions[EXTENSION] = Queue(
        huey=huey,
        run_job=huey.task(name="badges.run_job")(run_job),
        sweep=huey.periodic_task(crontab(minute="*"), name="badges.sweep")(sweep),
    )
