"""`badges check` and `badges backfill-hash-data`: the register's integrity."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from badges.db import get_session
from badges.web.context import links


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Integrity check: documents, status slots, signed status lists equal to the revoked sets."""
    from badges.services.credentials import integrity

    report = integrity.check(get_session(), links=links())
    click.echo(f"{report.credentials} badge(s), {report.lists} liste(s) de statut vérifiés.")
    for problem in report.problems:
        click.echo(f"ÉCART {problem.subject} : {problem.message}")
    if not report.ok:
        raise click.ClickException(f"{len(report.problems)} écart(s) trouvé(s).")
    click.echo("Aucun écart.")


@click.command("backfill-hash-data")
@click.option("--batch", default=200, show_default=True, help="Badges par transaction.")
@with_appcontext
def backfill_hash_data_command(batch: int) -> None:
    """Store the Data Integrity hash data of badges issued before it was kept (migration 0006)."""
    from badges.services.credentials import hash_backfill

    session, filled, after = get_session(), 0, 0
    refused: list[str] = []
    while True:
        done = hash_backfill.fill_batch(session, after_id=after, limit=batch)
        session.commit()
        if done.last_id is None:
            break
        filled, refused, after = filled + done.filled, refused + done.refused, done.last_id
    click.echo(f"{filled} badge(s) complété(s).")
    for public_id in refused:
        click.echo(f"REFUSÉ {public_id} : la preuve conservée ne se vérifie pas.")
    if refused:
        raise click.ClickException(f"{len(refused)} badge(s) sans empreinte : lancez « badges check ».")
