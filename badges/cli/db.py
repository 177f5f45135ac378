"""`badges db upgrade`: the schema (Alembic migrations) and the shipped reference frameworks."""

from __future__ import annotations

import click

from badges.cli.common import Group, prepare


@click.group("db", cls=Group)
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Run the migrations, then load the shipped reference frameworks not in the database yet."""
    for framework in prepare(revision):
        click.echo(f"Référentiel chargé : {framework}")
    click.echo(f"Schéma à jour ({revision}).")
