"""`badges backup` and `badges restore`: the database and the encrypted keys, all restored or nothing.

The archive never holds the key passphrase: whoever has both could sign badges. A restore checks the
archive and the passphrase before it writes anything (docs: README, "Sauvegardes").
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from badges.services.crypto import keyring
from badges.services.ops.archive import KEYS, BackupError, Manifest, describe, extract, write


@dataclass(frozen=True)
class Instance:
    """Where an instance keeps its data: the database, the key files and the passphrase opening them."""

    database_url: str
    keys_dir: Path
    passphrase: bytes

    @property
    def kind(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"


def backup(instance: Instance, output: Path, *, now: datetime, app_version: str) -> Manifest:
    """Write one archive: an online copy of the database, the key files as they are, a manifest."""
    if not output.parent.is_dir():
        raise BackupError(f"Le dossier {output.parent} n'existe pas.")
    revision = _revision(instance.database_url)
    with tempfile.TemporaryDirectory(prefix=".badges-backup-", dir=output.parent) as work:
        folder = Path(work)
        name = _dump(instance, folder)
        (folder / KEYS).mkdir(mode=0o700)
        key_ids = sorted(p.stem for p in _key_files(instance.keys_dir))
        for kid in key_ids:
            shutil.copyfile(instance.keys_dir / f"{kid}.pem", folder / KEYS / f"{kid}.pem")
        names = [name, *(f"{KEYS}{kid}.pem" for kid in key_ids)]
        manifest = Manifest(
            created_at=now.isoformat(),
            app_version=app_version,
            database=instance.kind,
            revision=revision,
            key_ids=key_ids,
            files={n: describe(folder / n) for n in names},
        )
        write(output, manifest, folder)
    return manifest


def restore(instance: Instance, archive: Path, *, known_revisions: set[str], force: bool) -> Manifest:
    """Check the archive, the passphrase and the target, then put the database and the keys in place.

    The caller upgrades the schema afterwards when the archive's revision is older than the code's.
    """
    with tempfile.TemporaryDirectory(prefix=".badges-restore-") as work:
        folder = Path(work)
        manifest = extract(archive, folder)
        _check(instance, manifest, folder, known_revisions=known_revisions, force=force)
        staged = _stage_keys(instance.keys_dir, folder)
        try:
            _load_database(instance, folder, force=force)
        except BaseException:
            _unstage(staged)
            raise
        _place_keys(instance.keys_dir, staged)
    return manifest


def _check(
    instance: Instance, manifest: Manifest, folder: Path, *, known_revisions: set[str], force: bool
) -> None:
    if manifest.database != instance.kind:
        raise BackupError(
            f"L'archive vient d'une base {manifest.database}, cette instance utilise {instance.kind}."
        )
    if manifest.revision not in known_revisions:
        raise BackupError(
            f"L'archive vient d'une version plus récente de badges (schéma {manifest.revision}) : "
            "mettez badges à jour avant de restaurer."
        )
    for path in sorted((folder / KEYS).glob("*.pem")):
        if not keyring.decrypts(path.read_bytes(), instance.passphrase):
            raise BackupError(
                f"La phrase de passe configurée n'ouvre pas la clé {path.stem} de l'archive : donnez la "
                "phrase de passe de l'instance sauvegardée (BADGES_KEY_PASSPHRASE ou "
                "instance/key_passphrase). Rien n'a été modifié."
            )
    if not force and (_has_tables(instance.database_url) or _key_files(instance.keys_dir)):
        raise BackupError(
            "La base de données ou le dossier des clés de cette instance n'est pas vide : rien n'a été "
            "modifié. Restaurez dans une instance neuve, ou ajoutez --force pour remplacer ses données."
        )


def _key_files(keys_dir: Path) -> list[Path]:
    if not keys_dir.is_dir():
        return []
    return [p for p in keys_dir.glob("*.pem") if p.is_file() and keyring.is_kid(p.stem)]


def _engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def _has_tables(url: str) -> bool:
    if url.startswith("sqlite") and not Path(make_url(url).database or "").exists():
        return False
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return bool(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _revision(url: str) -> str:
    if url.startswith("sqlite") and not Path(make_url(url).database or "").is_file():
        raise BackupError(f"Base de données introuvable : {make_url(url).database}.")
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError as exc:
        raise BackupError("La base n'a pas de schéma : lancez d'abord `badges db upgrade`.") from exc
    finally:
        engine.dispose()


def _dump(instance: Instance, folder: Path) -> str:
    """database.sqlite3 through SQLite's online backup (a consistent copy while the app writes), or
    database.sql from pg_dump."""
    if instance.kind == "sqlite":
        target = folder / "database.sqlite3"
        database = Path(make_url(instance.database_url).database or "")
        source = sqlite3.connect(database, timeout=20)  # waits for a writer, like the app does
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        os.chmod(target, 0o600)
        return target.name
    target = folder / "database.sql"
    _postgres("pg_dump", instance.database_url, "--no-owner", "--no-privileges", "--file", str(target))
    os.chmod(target, 0o600)
    return target.name


def _postgres(program: str, url: str, *arguments: str) -> None:
    """Run a PostgreSQL client on the configured database; the password goes by environment, not argv."""
    parsed = make_url(url)
    environment = {**os.environ, "PGPASSWORD": parsed.password or os.environ.get("PGPASSWORD", "")}
    libpq = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database)
    command = [program, "--dbname", libpq.render_as_string(), *arguments]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{program} a échoué : {done.stderr.strip()}")


def _load_database(instance: Instance, folder: Path, *, force: bool) -> None:
    if instance.kind == "sqlite":
        _place_sqlite(Path(make_url(instance.database_url).database or ""), folder / "database.sqlite3")
        return
    script = folder / "database.sql"
    if force:
        # One transaction with the dump below: a failed load leaves the previous data in place.
        reset = "DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"
        script.write_text(reset + script.read_text())
    _postgres(
        "psql",
        instance.database_url,
        "--quiet",
        "--set",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "--file",
        str(script),
    )


def _place_sqlite(target: Path, copy: Path) -> None:
    """Copied beside the target, then renamed over it; the previous file (and its WAL) is kept aside."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".restore")
    os.close(fd)
    shutil.copyfile(copy, staged)
    if target.exists():
        os.replace(target, _aside(target))
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def _stage_keys(keys_dir: Path, folder: Path) -> list[tuple[Path, Path]]:
    """Each key copied into the keys folder under a dotted temporary name (outside the kid namespace)."""
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = []
    for path in sorted((folder / KEYS).glob("*.pem")):
        fd, temporary = tempfile.mkstemp(dir=keys_dir, prefix=f".{path.stem}.", suffix=".restore")
        with os.fdopen(fd, "wb") as handle:
            handle.write(path.read_bytes())
        staged.append((Path(temporary), keys_dir / path.name))
    return staged


def _unstage(staged: list[tuple[Path, Path]]) -> None:
    for temporary, _ in staged:
        temporary.unlink(missing_ok=True)


def _place_keys(keys_dir: Path, staged: list[tuple[Path, Path]]) -> None:
    """Keys the archive does not have are moved aside (`--force`), then the staged ones take their names."""
    wanted = {target for _, target in staged}
    leftovers = [path for path in _key_files(keys_dir) if path not in wanted]
    if leftovers:
        aside = _aside(keys_dir)
        aside.mkdir(mode=0o700)
        for path in leftovers:
            os.replace(path, aside / path.name)
    for temporary, target in staged:
        os.replace(temporary, target)


def _aside(path: Path) -> Path:
    """Where replaced data is kept (`--force`): next to it, never deleted by a restore."""
    candidate, number = path.with_name(f"{path.name}.avant-restauration"), 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.avant-restauration-{number}")
    return candidate
