"""`badges ressenti purge`: delete the participants' ressenti past its retention period (one transaction)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from badges.db import get_session
from badges.services.programme import ressenti
from badges.web.context import today


@click.group("ressenti", cls=AppGroup)
def ressenti_group() -> None:
    """The participants' ressenti (personal data of the accompaniment file)."""


@ressenti_group.command("purge")
def ressenti_purge() -> None:
    """Delete the answers of ateliers held more than BADGES_RESSENTI_RETENTION_DAYS ago (run it daily)."""
    days = int(current_app.config["RESSENTI_RETENTION_DAYS"])
    session = get_session()
    gone = ressenti.purge_expired(session, today=today(), retention_days=days)
    session.commit()
    click.echo(f"{gone} réponse(s) de ressenti effacée(s) (plus de {days} jours après l'atelier).")
