"""`badges backup` and `badges restore`: one archive of the database and the encrypted keys."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from badges import db
from badges.cli.common import prepare
from badges.services.ops import archive, backup
from badges.web.context import now


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
