"""The `badges` command: each group in a module of its own here, all registered by `init_app` below.

Each command is one transaction (the command is the unit of work, services never commit).
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from badges.cli.awards import awards_group
from badges.cli.backup import backup_command, restore_command
from badges.cli.db import db_group
from badges.cli.demo import demo_command
from badges.cli.integrity import backfill_hash_data_command, check_command
from badges.cli.issuers import issuers_group
from badges.cli.keys import keys_group
from badges.cli.purge import OLD_SPELLINGS, purge_group
from badges.cli.serve import serve_command
from badges.cli.users import users_group
from badges.jobs.command import worker_command


def init_app(app: Flask) -> None:
    # A new command or group: its own module (badges/cli/<topic>.py), imported above, and one line here.
    for command in (
        serve_command,
        worker_command,
        db_group,
        issuers_group,
        keys_group,
        users_group,
        awards_group,
        demo_command,
        check_command,
        backfill_hash_data_command,
        purge_group,
        *OLD_SPELLINGS,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)


def main() -> None:
    """Entry point of the `badges` console script."""
    from badges import create_app

    FlaskGroup(create_app=create_app, add_version_option=False)(prog_name="badges")
