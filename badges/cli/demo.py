"""`badges demo`: the demo data, created once, and how to use it."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from badges.cli.common import echo_json, prepare
from badges.db import get_session
from badges.models import User
from badges.services.accounts import users
from badges.web.context import keyring, links, now


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create (once) a demo tiers-lieu, staff account, badge class and beneficiaries; print a token."""
    from badges.services.programme import demo

    prepare()
    session = get_session()
    result = demo.ensure_demo(session, keyring(), links=links(), now=now())
    token = users.create_token(session, user=result.staff, label="demo", now=now())
    session.commit()
    sign_in = demo_sign_in(result.staff)
    echo_json(demo.describe(result, links(), token, command=badges_command(), sign_in=sign_in))


def demo_sign_in(staff: User) -> str:
    """Where the demo's staff member signs in: an invitation link while the account has no password."""
    from badges.web.staff import mailer

    if staff.password_hash is not None:
        return links().base + "/staff/login"
    with current_app.test_request_context():  # url_for outside a request
        return mailer.invitation_url(staff, str(current_app.config["SECRET_KEY"]))


def badges_command() -> str:
    """This command as it can be typed again from here (`.venv/bin/badges`: the venv is not on the PATH)."""
    script = Path(sys.executable).parent / "badges"
    if not script.exists():
        return "badges"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)
