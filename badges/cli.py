"""The `badges` command: serve, db, demo, issuers, keys, users, awards (each command is one transaction)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import select

from badges import db, logs
from badges.db import get_session
from badges.jobs import keys as jobs_keys
from badges.jobs import runner
from badges.jobs.command import settle_command, worker_command
from badges.models import Credential, Role, User
from badges.services.accounts import users
from badges.services.credentials import issuance, issuers, revocation, signing_keys
from badges.services.ops import archive, backup
from badges.services.programme import badge_classes, beneficiaries, framework_io
from badges.services.shared.errors import ServiceError
from badges.web.context import keyring, links, mail_settings, now

DEFAULT_PORT = 5000


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def fail_on_service_error(exc: ServiceError) -> None:
    fields = getattr(exc, "fields", None)
    detail = "".join(f"\n  {name} : {message}" for name, message in (fields or {}).items())
    raise click.ClickException(exc.message + detail)


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=None, type=int, help="Default: the port of a local BADGES_BASE_URL, or 5000.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="gunicorn workers.")
@click.option("--debug", is_flag=True, help="Development server with the reloader (never in production).")
def serve_command(host: str, port: int | None, workers: int, debug: bool) -> None:
    """Upgrade the schema, load the default frameworks, then serve (gunicorn; --debug: development server)."""
    port = port if port is not None else local_port(str(current_app.config["BASE_URL"]))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not debug:
        logs.init_app(app, served=True)  # the master's lines (the upgrade too) as the workers' ones
    prepare()
    mode = "serveur de développement" if debug else f"gunicorn, {workers} worker(s)"
    click.echo(f"badges sur http://{host}:{port}/ ({mode} ; base publique : {app.config['BASE_URL']})")
    if debug:
        from werkzeug.serving import run_simple

        app.debug = True
        run_simple(host, port, app, threaded=True, use_reloader=True, use_debugger=True)
        return
    from badges import create_app
    from badges.server import Server

    db.engine_of(app).dispose()  # the workers open their own connections: none may cross the fork
    Server(create_app, host=host, port=port, workers=workers).run()


def local_port(base_url: str) -> int:
    """Serve where the links point: the port of a base URL on this machine, else the default one."""
    parts = urlsplit(base_url)
    if parts.hostname in ("127.0.0.1", "localhost", "::1") and parts.port:
        return parts.port
    return DEFAULT_PORT


def badges_command() -> str:
    """This command as it can be typed again from here (`.venv/bin/badges`: the venv is not on the PATH)."""
    script = Path(sys.executable).parent / "badges"
    if not script.exists():
        return "badges"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


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


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Run the migrations, then load the shipped reference frameworks not in the database yet."""
    for framework in prepare(revision):
        click.echo(f"Référentiel chargé : {framework}")
    click.echo(f"Schéma à jour ({revision}).")


@click.group("issuers", cls=AppGroup)
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
    try:
        issuer = issuers.create_issuer(session, keyring(), data=data, links=links(), now=now())
    except ServiceError as exc:
        fail_on_service_error(exc)
    session.commit()
    click.echo(f"Tiers-lieu créé : {links().issuer(issuer.slug)}")


@issuers_group.command("list")
def issuers_list() -> None:
    for issuer in issuers.all_issuers(get_session()):
        click.echo(f"{issuer.slug}\t{issuer.name}\t{links().issuer(issuer.slug)}")


@click.group("keys", cls=AppGroup)
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
    try:
        replacement = issuers.compromise_key(
            session, keyring(), key=key, since=since, links=links(), now=now(), resign=False
        )
    except ServiceError as exc:
        fail_on_service_error(exc)
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


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Staff accounts and API tokens."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True
)
@click.option("--issuer", "slug", default=None, help="Slug of the tiers-lieu (staff).")
@click.password_option(required=False, default=None, prompt=False)
def users_create(email: str, name: str, role: str, slug: str | None, password: str | None) -> None:
    session = get_session()
    issuer = issuers.by_slug(session, slug) if slug else None
    try:
        users.create_user(
            session, email=email, name=name, role=Role(role), issuer=issuer, password=password, now=now()
        )
    except ServiceError as exc:
        fail_on_service_error(exc)
    session.commit()
    click.echo(f"Compte créé : {email}")


@users_group.command("token")
@click.option("--email", required=True)
@click.option("--label", default="cli", show_default=True)
def users_token(email: str, label: str) -> None:
    """Create an API token; it is printed once and never stored in clear."""
    session = get_session()
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException("Compte introuvable.")
    token = users.create_token(session, user=user, label=label, now=now())
    session.commit()
    click.echo(token)


@users_group.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True
)
@click.option("--issuer", "slug", default=None, help="Slug of the tiers-lieu (staff).")
@click.option("--agency", "agency_id", default=None, help="Public id of the partner agency (counsellor).")
@click.option("--send/--no-send", default=True, show_default=True, help="E-mail the link (or log it).")
def users_invite(
    email: str, name: str, role: str, slug: str | None, agency_id: str | None, send: bool
) -> None:
    """Invite someone to the staff web app: the link (7 days, single use) is printed and e-mailed."""
    from badges.services.accounts import staff_accounts
    from badges.services.programme import pathways
    from badges.services.shared.mail import MailError
    from badges.web.staff import mailer

    session = get_session()
    try:
        issuer = issuers.by_slug(session, slug) if slug else None
        agency = pathways.agency_by_id(session, agency_id) if agency_id else None
        if agency_id and agency is None:
            raise click.ClickException("Agence inconnue.")
        data = {"email": email, "name": name, "role": role}
        user = staff_accounts.invite(session, data=data, issuer=issuer, agency=agency, now=now())
    except ServiceError as exc:
        fail_on_service_error(exc)
    session.flush()
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
    from badges.services.accounts import staff_accounts
    from badges.web.staff import mailer

    user = staff_accounts.find_by_email(get_session(), email.strip().lower())
    if user is None or not user.is_active:
        raise click.ClickException("Compte introuvable ou désactivé.")
    with current_app.test_request_context():  # url_for outside a request
        url = mailer.reset_url(user)
    click.echo(f"Lien pour choisir un nouveau mot de passe (valable 1 heure, une seule fois) : {url}")
    click.echo("Donnez ce lien à la personne.")


@click.group("awards", cls=AppGroup)
def awards_group() -> None:
    """Awarding badges."""


@awards_group.command("create")
@click.option("--issuer", "slug", required=True)
@click.option("--badge-class", "badge_class_id", required=True)
@click.option("--beneficiary", "beneficiary_id", required=True)
def awards_create(slug: str, badge_class_id: str, beneficiary_id: str) -> None:
    session = get_session()
    try:
        issuer = issuers.by_slug(session, slug)
        badge = badge_classes.for_issuer(session, issuer=issuer, public_id=badge_class_id)
        beneficiary = beneficiaries.for_issuer(session, issuer=issuer, public_id=beneficiary_id)
        credential = issuance.award(
            session, keyring(), badge_class=badge, beneficiary=beneficiary, links=links(), now=now()
        )
    except ServiceError as exc:
        fail_on_service_error(exc)
    session.commit()
    echo_json(
        {
            "id": credential.public_id,
            "page": links().credential_page(credential.public_id),
            "ob2_assertion": links().ob2_assertion(credential.public_id),
        }
    )


@awards_group.command("revoke")
@click.option("--issuer", "slug", required=True)
@click.option("--award", "award_id", required=True)
@click.option("--reason", required=True)
def awards_revoke(slug: str, award_id: str, reason: str) -> None:
    """Revoke an award in every format at once."""
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    credential = session.scalars(
        select(Credential).where(Credential.public_id == award_id, Credential.issuer_id == issuer.id)
    ).first()
    if credential is None:
        raise click.ClickException("Badge introuvable.")
    try:
        revocation.revoke(session, keyring(), credential=credential, reason=reason, links=links(), now=now())
    except ServiceError as exc:
        fail_on_service_error(exc)
    session.commit()
    click.echo(f"Badge {award_id} révoqué.")


@awards_group.command("list")
@click.option("--issuer", "slug", required=True)
def awards_list(slug: str) -> None:
    session = get_session()
    issuer = issuers.by_slug(session, slug)
    for credential in session.scalars(select(Credential).where(Credential.issuer_id == issuer.id)):
        state = "révoqué" if credential.revoked_at else "valide"
        click.echo(
            f"{credential.public_id}\t{credential.badge_class.name}\t{credential.issued_at.date()}\t{state}"
        )


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


@click.command("purge-outcomes")
@with_appcontext
def purge_outcomes_command() -> None:
    """Delete the end-of-pathway outcomes older than BADGES_OUTCOME_RETENTION_DAYS (GDPR retention)."""
    from badges.services.programme import outcomes

    days = int(current_app.config["OUTCOME_RETENTION_DAYS"])
    gone = outcomes.purge(get_session(), now=now(), days=days)
    get_session().commit()
    click.echo(f"{gone} suite(s) de parcours effacée(s) (plus de {days} jours sans changement).")


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


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Default: badges-backup-<date>.tar.gz in the current folder.",
)
def backup_command(output: Path | None) -> None:
    """Write one archive (mode 0600): the database, the encrypted keys, a manifest; never the passphrase."""
    from importlib.metadata import version

    moment = now()
    output = output or Path(f"badges-backup-{moment.strftime('%Y%m%dT%H%M%SZ')}.tar.gz")
    try:
        manifest = backup.backup(instance(), output.absolute(), now=moment, app_version=version("badges"))
    except archive.BackupError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Sauvegarde écrite : {output} ({len(manifest.key_ids)} clé(s), schéma {manifest.revision}).")
    click.echo("Gardez la phrase de passe des clés ailleurs que l'archive : elle n'y est pas.")


@click.command("restore")
@with_appcontext
@click.argument("path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and keys that are not empty.")
def restore_command(path: Path, force: bool) -> None:
    """Restore an archive of `badges backup`: checked first (files, passphrase, empty target), then all."""
    from alembic.script import ScriptDirectory

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    script = ScriptDirectory.from_config(db.alembic_config(app.config["DATABASE_URL"]))
    known = {revision.revision for revision in script.walk_revisions()}
    db.engine_of(app).dispose()  # no pooled connection to the file about to be replaced
    try:
        manifest = backup.restore(instance(), path, known_revisions=known, force=force)
    except archive.BackupError as exc:
        raise click.ClickException(exc.message) from exc
    db.engine_of(app).dispose()
    prepare()
    click.echo(
        f"Sauvegarde du {manifest.created_at} restaurée : {len(manifest.key_ids)} clé(s), "
        f"schéma {manifest.revision} mis à jour."
    )


def instance() -> backup.Instance:
    """The configured database, keys folder and key passphrase."""
    config = current_app.config
    return backup.Instance(
        database_url=str(config["DATABASE_URL"]),
        keys_dir=Path(config["KEYS_DIR"]),
        passphrase=str(config["KEY_PASSPHRASE"]).encode(),
    )


def init_app(app: Flask) -> None:
    from badges.cli_ressenti import ressenti_group

    awards_group.add_command(settle_command)
    for command in (
        serve_command,
        db_group,
        issuers_group,
        keys_group,
        users_group,
        awards_group,
        demo_command,
        check_command,
        backfill_hash_data_command,
        purge_outcomes_command,
        backup_command,
        restore_command,
        ressenti_group,
        worker_command,
    ):
        app.cli.add_command(command)


def main() -> None:
    """Entry point of the `badges` console script."""
    from badges import create_app

    FlaskGroup(create_app=create_app, add_version_option=False)(prog_name="badges")
