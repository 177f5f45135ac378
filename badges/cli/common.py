"""What several `badges` commands share: JSON output, service errors as click errors, the start-up steps."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from badges import db
from badges.db import get_session
from badges.services.programme import framework_io
from badges.services.shared.errors import ServiceError


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


class Group(AppGroup):
    """A `badges` command group: a service error in any of its commands ends the command as a click error
    (its French message and fields, exit code 1, nothing committed) rather than a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ServiceError as exc:
            fields = getattr(exc, "fields", None)
            detail = "".join(f"\n  {name} : {message}" for name, message in (fields or {}).items())
            raise click.ClickException(exc.message + detail) from exc


def prepare(revision: str = "head") -> list[str]:
    """What every start needs: the schema at head and the shipped reference frameworks (the new ones are
    returned), so that a new version of a framework arrives with an upgrade."""
    db.upgrade_schema(current_app._get_current_object(), revision)  # type: ignore[attr-defined]
    if revision != "head":
        return []  # the frameworks are written through the models, which match the head schema only
    session = get_session()
    loaded = [f"{framework.slug} {framework.version}" for framework in framework_io.load_defaults(session)]
    session.commit()
    return loaded
