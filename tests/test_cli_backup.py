"""`badges backup` and `badges restore`: an archive restored into a fresh instance keeps verifying and
signing; a tampered archive, a wrong passphrase or a non-empty target change nothing."""

from __future__ import annotations

import gzip
import io
import json
import stat
import tarfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Credential, SigningKey
from badges.services import verification
from badges.services.credentials import revocation
from badges.services.credentials.links import Links
from badges.services.verification.sources import LocalSource
from tests.apps import Clock
from tests.factories import make_award, make_issuer
from tests.live_server import own_database

Fresh = Callable[..., Flask]


@pytest.fixture
def backup_file(app, session, keyring, links, now, tmp_path) -> Path:
    """Two badges of one tiers-lieu, one revoked, backed up."""
    issuer = make_issuer(session, keyring, links, now)
    kept = make_award(session, keyring, links, now, issuer=issuer)
    revoked = make_award(
        session, keyring, links, now, issuer=issuer, display_name="Karim", email="karim@example.org"
    )
    revocation.revoke(session, keyring, credential=revoked, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    app.config["BACKUP_IDS"] = (kept.public_id, revoked.public_id)
    output = tmp_path / "sauvegarde.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(output)])
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture
def fresh(app, tmp_path) -> Iterator[Fresh]:
    """Makes a new instance (own folder, own empty database) of the same service (same base URL)."""
    with ExitStack() as stack:

        def make(
            passphrase: str = "test-passphrase", upgraded: str | None = None, name: str = "neuve"
        ) -> Flask:
            folder = tmp_path / name
            url = stack.enter_context(own_database(f"restore_{name}", folder))
            folder.mkdir(exist_ok=True)
            fresh_app = create_app(
                {
                    "TESTING": True,
                    "DATABASE_URL": url,
                    "BASE_URL": app.config["BASE_URL"],
                    "KEYS_DIR": str(folder / "keys"),
                    "KEY_PASSPHRASE": passphrase,
                    "SECRET_KEY": "autre-secret",
                    "LINK_SECRET": "test-link-secret",
                    "CLOCK": Clock(),
                }
            )
            stack.callback(lambda: engine_of(fresh_app).dispose())
            if upgraded:
                with fresh_app.app_context():
                    upgrade_schema(fresh_app, upgraded)
            return fresh_app

        yield make


def invoke(target: Flask, *args: str):
    """Run a command on `target` (the session fixture's app context would otherwise be the current app)."""
    with target.app_context():
        return target.test_cli_runner().invoke(args=list(args))


def restore(target: Flask, archive: Path, *options: str):
    return invoke(target, "restore", str(archive), *options)


def untouched(target: Flask) -> bool:
    """No table and no key file: the fresh instance is as it was made."""
    engine = engine_of(target)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    engine.dispose()
    return not tables and not list(Path(target.config["KEYS_DIR"]).glob("*.pem"))


def verdict(target: Flask, public_id: str) -> dict[str, bool]:
    with target.app_context():
        session = get_session()
        credential = session.scalars(select(Credential).where(Credential.public_id == public_id)).one()
        links = Links(target.config["BASE_URL"])
        report = verification.verify_value(
            json.loads(credential.ob3_credential),
            source=LocalSource(session, links),
            now=target.config["CLOCK"](),
        )
        return {"valid": report.valid, **{check.name: check.passed for check in report.checks}}


def test_a_restored_instance_verifies_earlier_badges_and_signs_with_their_keys(backup_file, app, fresh, now):
    kept, revoked = app.config["BACKUP_IDS"]
    target = fresh()
    result = restore(target, backup_file)
    assert result.exit_code == 0, result.output
    target.config["CLOCK"].frozen = now
    assert verdict(target, kept)["valid"] is True
    assert verdict(target, revoked)["valid"] is False and verdict(target, revoked)["status"] is False
    # Revoking re-signs the status list with the restored private key: the keys came back too.
    slug = invoke(target, "issuers", "list").output.split("\t")[0]
    revoking = invoke(target, "awards", "revoke", "--issuer", slug, "--award", kept, "--reason", "Test")
    assert revoking.exit_code == 0, revoking.output
    assert verdict(target, kept)["valid"] is False and verdict(target, kept)["status"] is False
    assert verdict(target, revoked)["status"] is False
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in Path(target.config["KEYS_DIR"]).glob("*.pem"))


def test_the_archive_is_private_and_holds_no_passphrase(backup_file, app, session):
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    raw = backup_file.read_bytes()
    passphrase = app.config["KEY_PASSPHRASE"].encode()
    assert passphrase not in raw and passphrase not in gzip.decompress(raw)
    with tarfile.open(backup_file) as tar:
        members = tar.getmembers()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert {m.name for m in members} == {"manifest.json", *manifest["files"]}
    assert all(m.mode == 0o600 and m.isfile() for m in members)
    issuer_keys = set(session.scalars(select(SigningKey.public_id)))
    assert len(issuer_keys) == 2 and issuer_keys <= set(manifest["key_ids"])
    assert manifest["revision"] == "0008_jobs" and manifest["format"] == 1
    assert any(name.startswith("database.") for name in manifest["files"])


def rewritten(archive: Path, change: Callable[[str, bytes], bytes], destination: Path) -> Path:
    """The archive with each member passed through `change` (the manifest kept as it was)."""
    with tarfile.open(archive) as tar:
        contents = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(destination, "w:gz") as tar:
        for name, data in contents:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return destination


def test_a_tampered_key_file_is_refused_and_nothing_changes(backup_file, fresh, tmp_path):
    def flip(name: str, data: bytes) -> bytes:
        return data.replace(b"A", b"B", 1) if name.startswith("keys/") else data

    tampered = rewritten(backup_file, flip, tmp_path / "alteree.tar.gz")
    target = fresh()
    result = restore(target, tampered)
    assert result.exit_code != 0 and "keys/" in result.output and "modifié ou tronqué" in result.output
    assert untouched(target)


def test_a_truncated_archive_is_refused_and_nothing_changes(backup_file, fresh, tmp_path):
    truncated = tmp_path / "tronquee.tar.gz"
    truncated.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    target = fresh()
    result = restore(target, truncated)
    assert result.exit_code != 0 and "illisible ou tronquée" in result.output
    assert untouched(target)


def test_an_unexpected_member_is_refused_and_nothing_changes(backup_file, fresh, tmp_path):
    trapped = tmp_path / "piege.tar.gz"
    with tarfile.open(trapped, "w:gz") as tar, tarfile.open(backup_file) as source:
        for member in source.getmembers():
            tar.addfile(member, source.extractfile(member))
        trap = tarfile.TarInfo("../instance/key_passphrase")
        trap.size = 3
        tar.addfile(trap, io.BytesIO(b"abc"))
    target = fresh()
    result = restore(target, trapped)
    assert result.exit_code != 0 and "élément inattendu" in result.output
    assert untouched(target)
    assert not (tmp_path / "instance").exists()


def test_a_wrong_passphrase_is_refused_before_anything_is_written(backup_file, fresh):
    target = fresh(passphrase="une autre phrase de passe")
    result = restore(target, backup_file)
    assert result.exit_code != 0 and "phrase de passe configurée" in result.output
    assert untouched(target)


def test_a_database_that_is_not_empty_is_replaced_only_with_force(backup_file, app, fresh):
    kept, _ = app.config["BACKUP_IDS"]
    target = fresh(upgraded="head")
    refused = restore(target, backup_file)
    assert refused.exit_code != 0 and "--force" in refused.output
    with target.app_context():
        assert get_session().scalars(select(Credential)).first() is None
    forced = restore(target, backup_file, "--force")
    assert forced.exit_code == 0, forced.output
    target.config["CLOCK"].frozen = app.config["CLOCK"]()
    assert verdict(target, kept)["valid"] is True


def test_backup_never_overwrites_a_file(backup_file, app):
    before = backup_file.read_bytes()
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(backup_file)])
    assert result.exit_code != 0 and "existe déjà" in result.output
    assert backup_file.read_bytes() == before


def test_an_archive_of_an_older_schema_is_upgraded_on_restore(fresh, tmp_path):
    older = fresh(upgraded="0006_di_hash_cache", name="ancienne")
    archive = tmp_path / "ancienne.tar.gz"
    made = invoke(older, "backup", "--output", str(archive))
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["revision"] == "0006_di_hash_cache"
    target = fresh(name="neuve")
    result = restore(target, archive)
    assert result.exit_code == 0, result.output
    engine = engine_of(target)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0008_jobs"
        assert "grid_draft" in inspect(connection).get_table_names()


def test_an_archive_of_an_unknown_schema_is_refused(backup_file, fresh, tmp_path):
    def newer(name: str, data: bytes) -> bytes:
        return data.replace(b'"0008_jobs"', b'"0099_future"') if name == "manifest.json" else data

    target = fresh()
    result = restore(target, rewritten(backup_file, newer, tmp_path / "future.tar.gz"))
    assert result.exit_code != 0 and "version plus récente" in result.output
    assert untouched(target)


def test_backup_of_an_instance_without_schema_is_refused(fresh, tmp_path):
    target = fresh()
    result = invoke(target, "backup", "--output", str(tmp_path / "vide.tar.gz"))
    assert result.exit_code != 0
    assert "badges db upgrade" in result.output or "introuvable" in result.output
    assert not (tmp_path / "vide.tar.gz").exists() and untouched(target)
