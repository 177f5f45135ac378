"""`badges issuers create/list`: the tiers-lieux (issuers)."""

from __future__ import annotations

from typing import Any

import click

from badges.cli.common import Group
from badges.db import get_session
from badges.services.credentials import issuers
from badges.web.context import keyring, links, now


@click.group("issuers", cls=Group)
def issuers_group() -> None:
    """Tiers-lieux (issuers)."""


@issuers_group.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--url", required=True)
@click.option("--email", required=True)
@click.option("--department", default=None)
@click.option("--description", default="")
def issuers_create(**data: Any) -> None:
    session = get_session()
    issuer = issuers.create_issuer(session, keyring(), data=data, links=links(), now=now())
    session.commit()
    click.echo(f"Tiers-lieu créé : {links().issuer(issuer.slug)}")


@issuers_group.command("list")
def issuers_list() -> None:
    for issuer in issuers.all_issuers(get_session()):
        click.echo(f"{issuer.slug}\t{issuer.name}\t{links().issuer(issuer.slug)}")
