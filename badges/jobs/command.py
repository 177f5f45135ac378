"""`badges worker`: the huey consumer running this app's jobs, until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from badges.jobs.worker import consumer


@click.command("worker")
@with_appcontext
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Workers.")
@click.option(
    "--processes", is_flag=True, help="Worker processes instead of threads (bulk issuance on every core)."
)
def worker_command(workers: int, processes: bool) -> None:
    """Run the background jobs (e-mails...) queued by the web servers (BADGES_QUEUE_URL)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    url = str(app.config["QUEUE_URL"])
    shown = url.split("@")[-1] if "@" in url else url  # never a password in the output
    unit = "processus" if processes else "fil(s)"
    click.echo(f"badges worker : {workers} {unit}, file d'attente {shown}")
    consumer(app, workers, processes=processes).run()
