"""`badges users create/token/invite/reset-link`: staff accounts and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import current_app

from badges.cli.common import Group
from badges.db import get_session
from badges.models import Role
from badges.services.accounts import staff_accounts, users
from badges.services.credentials import issuers
from badges.web.context import mail_settings, now

F = TypeVar("F", bound=Callable[..., Any])


# The options naming a new account, the same for `users create` and `users invite`.
ACCOUNT_OPTIONS = (
    click.option("--email", required=True),
    click.option("--name", required=True),
    click.option(
        "--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True
    ),
    click.option("--issuer", "slug", default=None, help="Slug of the tiers-lieu (staff)."),
)


def account_options(command: F) -> F:
    for option in reversed(ACCOUNT_OPTIONS):
        command = option(command)
    return command


@click.group("users", cls=Group)
def users_group() -> None:
    """Staff accounts and API tokens."""


@users_group.command("create")
@account_options
@click.password_option(required=False, default=None, prompt=False)
def users_create(email: str, name: str, role: str, slug: str | None, password: str | None) -> None:
    session = get_session()
    issuer = issuers.by_slug(session, slug) if slug else None
    users.create_user(
        session, email=email, name=name, role=Role(role), issuer=issuer, password=password, now=now()
    )
    session.commit()
    click.echo(f"Compte créé : {email}")


@users_group.command("token")
@click.option("--email", required=True)
@click.option("--label", default="cli", show_default=True)
def users_token(email: str, label: str) -> None:
    """Create an API token; it is printed once and never stored in clear."""
    session = get_session()
    user = staff_accounts.find_by_email(session, email)
    if user is None:
        raise click.ClickException("Compte introuvable.")
    token = users.create_token(session, user=user, label=label, now=now())
    session.commit()
    click.echo(token)


@users_group.command("invite")
@account_options
@click.option("--agency", "agency_id", default=None, help="Public id of the partner agency (counsellor).")
@click.option("--send/--no-send", default=True, show_default=True, help="E-mail the link (or log it).")
def users_invite(
    email: str, name: str, role: str, slug: str | None, agency_id: str | None, send: bool
) -> None:
    """Invite someone to the staff web app: the link (7 days, single use) is printed and e-mailed."""
    from badges.services.programme import pathways
    from badges.services.shared.mail import MailError
    from badges.web.staff import mailer

    session = get_session()
    issuer = issuers.by_slug(session, slug) if slug else None
    agency = pathways.agency_by_id(session, agency_id) if agency_id else None
    if agency_id and agency is None:
        raise click.ClickException("Agence inconnue.")
    data = {"email": email, "name": name, "role": role}
    user = staff_accounts.invite(session, data=data, issuer=issuer, agency=agency, now=now())
    session.commit()
    secret = str(current_app.config["SECRET_KEY"])
    with current_app.test_request_context():  # url_for outside a request
        url = mailer.invitation_url(user, secret)
    click.echo(f"Lien d'invitation (valable 7 jours, une seule fois) : {url}")
    if not send:
        click.echo(f"Invitation prête pour {user.email}.")
        return
    if not mail_settings().host:
        # Without a mail server the console is the only channel: say so rather than claim a delivery.
        # Same words as the coordination's screen (web/staff/network.py).
        click.echo(
            f"Rien n'a été envoyé à {user.email} : aucun serveur d'e-mail n'est configuré (BADGES_SMTP_HOST)."
        )
        click.echo("Donnez ce lien à la personne (ci-dessus).")
        return
    try:
        mailer.send_invitation(user, url)
    except MailError as exc:
        raise click.ClickException(exc.message + " Donnez ce lien à la personne (ci-dessus).") from exc
    click.echo(f"Invitation envoyée à {user.email}.")


@users_group.command("reset-link")
@click.option("--email", required=True)
def users_reset_link(email: str) -> None:
    """Print a link to choose a new password (1 hour, single use): for a service with no mail server."""
    from badges.web.staff import mailer

    user = staff_accounts.find_by_email(get_session(), email.strip().lower())
    if user is None or not user.is_active:
        raise click.ClickException("Compte introuvable ou désactivé.")
    with current_app.test_request_context():  # url_for outside a request
        url = mailer.reset_url(user)
    click.echo(f"Lien pour choisir un nouveau mot de passe (valable 1 heure, une seule fois) : {url}")
    click.echo("Donnez ce lien à la personne.")
