"""`badges worker`: the huey consumer running this app's jobs, until Ctrl-C (or SIGTERM); and
`badges awards settle`: the badges now due, issued as a bulk job."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from badges.db import get_session
from badges.jobs import bulk
from badges.jobs.appctx import keyring, links, now
from badges.jobs.worker import consumer
from badges.models import Beneficiary
from badges.services.credentials import issuers
from badges.services.programme import awarding, pathways
from badges.services.programme.awarding import Issuing
from badges.services.shared.errors import ServiceError


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


@click.command("settle")
@with_appcontext
@click.option("--issuer", "slug", required=True, help="The tiers-lieu (slug).")
@click.option("--pathway", "pathway_id", default=None, help="Only the people enrolled in this pathway.")
@click.option("--wait", is_flag=True, help="Wait until a worker has signed them all, showing the progress.")
def settle_command(slug: str, pathway_id: str | None, wait: bool) -> None:
    """Issue every automatic badge now due (a pathway's people, or the whole tiers-lieu's) as a bulk job:
    `badges worker --processes` signs them on every core. Badges waiting for consent are recorded."""
    session = get_session()
    try:
        issuer = issuers.by_slug(session, slug)
        if pathway_id is not None:
            pathway = pathways.pathway_in_scope(session, pathway_id, [issuer.id])
            people = list(pathways.enrolled(session, pathway).values())
        else:
            people = list(session.scalars(select(Beneficiary).where(Beneficiary.issuer_id == issuer.id)))
        outcome = awarding.settle(session, Issuing(keyring(), links(), now(), inline_max=0), people)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    job = bulk.queue_bulk_issue(session, outcome.deferred, issuer_id=issuer.id) if outcome.deferred else None
    session.commit()
    click.echo(f"{len(outcome.deferred)} badge(s) à signer, {len(outcome.pending)} en attente d'accord.")
    if job is None:
        return
    click.echo(f"Tâche {job.id} en file : `badges worker --processes` les signe.")
    while wait:
        found = bulk.progress(session, job.id)
        session.rollback()  # the next read sees what the workers committed
        assert found is not None
        click.echo(f"{found.done}/{found.total} ({found.state})")
        if found.state in ("done", "failed"):
            break
        time.sleep(1)
