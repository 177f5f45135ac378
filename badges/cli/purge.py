"""`badges purge ressenti/outcomes`: personal data past its retention period deleted (run them daily).

Until the next release the spellings of before, `badges ressenti purge` and `badges purge-outcomes`, still
run them (hidden from the help; operators' crontabs name them), saying the new one on standard error.
"""

from __future__ import annotations

import click
from flask import current_app

from badges.cli.common import Group
from badges.db import get_session
from badges.services.programme import outcomes, ressenti
from badges.web.context import now, today


@click.group("purge", cls=Group)
def purge_group() -> None:
    """Delete personal data past its retention period (GDPR; run them daily, e.g. from cron)."""


@purge_group.command("ressenti")
def purge_ressenti() -> None:
    """Delete the answers of ateliers held more than BADGES_RESSENTI_RETENTION_DAYS ago."""
    days = int(current_app.config["RESSENTI_RETENTION_DAYS"])
    session = get_session()
    gone = ressenti.purge_expired(session, today=today(), retention_days=days)
    session.commit()
    click.echo(f"{gone} réponse(s) de ressenti effacée(s) (plus de {days} jours après l'atelier).")


@purge_group.command("outcomes")
def purge_outcomes() -> None:
    """Delete the end-of-pathway outcomes older than BADGES_OUTCOME_RETENTION_DAYS."""
    days = int(current_app.config["OUTCOME_RETENTION_DAYS"])
    gone = outcomes.purge(get_session(), now=now(), days=days)
    get_session().commit()
    click.echo(f"{gone} suite(s) de parcours effacée(s) (plus de {days} jours sans changement).")


def old_spelling(name: str, command: click.Command) -> click.Command:
    """`command` under the name it had before `badges purge`, hidden, saying its new name when it runs."""
    new = f"badges purge {command.name}"

    def run() -> None:
        click.echo(
            f"« badges {name} » s'écrit désormais « {new} » (l'ancienne forme va disparaître).", err=True
        )
        click.get_current_context().invoke(command)

    return click.Command(name.split()[-1], callback=run, help=command.help, hidden=True)


@click.group("ressenti", cls=Group, hidden=True)
def ressenti_group() -> None:
    """Former home of `badges purge ressenti`."""


ressenti_group.add_command(old_spelling("ressenti purge", purge_ressenti))
OLD_SPELLINGS = (ressenti_group, old_spelling("purge-outcomes", purge_outcomes))
