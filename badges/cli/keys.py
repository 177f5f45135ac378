"""`badges keys list/rotate/compromise`: the issuers' signing keys."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app

from badges.cli.common import Group
from badges.db import get_session
from badges.jobs import keys as jobs_keys
from badges.jobs import runner
from badges.services.credentials import issuers, signing_keys
from badges.web.context import keyring, links, now


@click.group("keys", cls=Group)
def keys_group() -> None:
    """Issuer signing keys."""


@keys_group.command("list")
@click.option("--issuer", "slug", required=True)
def keys_list(slug: str) -> None:
    session = get_session()
    for key in signing_keys.published_keys(session, issuer=issuers.by_slug(session, slug)):
        state = "compromise" if key.compromised_at else "retirée" if key.retired_at else "active"
        click.echo(f"{key.public_id}\t{key.algorithm}\t{key.created_at.isoformat()}\t{state}")


@keys_group.command("rotate")
@click.option("--issuer", "slug", required=True)
@click.confirmation_option(prompt="Créer de nouvelles clés et retirer les clés actuelles ?")
def keys_rotate(slug: str) -> None:
    """New awards use new keys; earlier credentials keep verifying with the retired ones."""
    session = get_session()
    new_keys = signing_keys.rotate(session, keyring(), issuer=issuers.by_slug(session, slug), now=now())
    session.commit()
    for key in new_keys:
        click.echo(f"Nouvelle clé {key.algorithm} : {key.public_id}")


@keys_group.command("compromise")
@click.option("--issuer", "slug", required=True)
@click.option("--key", "key_id", required=True, help="Public id of the key (see `badges keys list`).")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"]),
    required=True,
    help="From when signatures made with the key are distrusted (ISO 8601, UTC if no zone).",
)
@click.confirmation_option(
    prompt="Déclarer cette clé compromise ? Les badges signés après la date deviendront invalides."
)
@click.option(
    "--background",
    is_flag=True,
    help="Leave the re-signing of the status lists to `badges worker` instead of doing it here.",
)
def keys_compromise(slug: str, key_id: str, since: datetime, background: bool) -> None:
    """The key is distrusted at once; the status lists are then signed again by a `resign-lists` job,
    run here (inline, the default: no worker needed) or by a worker with --background."""
    session = get_session()
    key = signing_keys.key_by_public_id(session, key_id)
    if key.issuer.slug != slug:
        raise click.ClickException("Clé inconnue pour ce tiers-lieu.")
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    replacement = issuers.compromise_key(
        session, keyring(), key=key, since=since, links=links(), now=now(), resign=False
    )
    job = jobs_keys.queue_resign(session, issuer_id=key.issuer_id, reason=key_id)
    session.commit()
    click.echo(f"Clé {key_id} compromise depuis le {since.isoformat()}.")
    if replacement is not None:
        click.echo(f"Nouvelle clé {replacement.algorithm} : {replacement.public_id}")
    _resign(job.id, background)


def _resign(job_id: int, background: bool) -> None:
    """Run the re-signing job here (a worker that also got its message finds it taken), or leave it."""
    if background:
        click.echo(f"Tâche {job_id} en file : `badges worker` signe à nouveau les listes de statut.")
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():  # the job's own session, apart from the command's
        runner.run(app, job_id, None)
        found = jobs_keys.latest_by_id(get_session(), job_id)
    click.echo(f"Listes de statut : {found.done} sur {found.total} re-signées ({found.state}).")
    if found.state != "done":
        raise click.ClickException("Re-signature inachevée : `badges worker` la reprendra.")
