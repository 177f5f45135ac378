"""The backup archive: a .tar.gz of regular files (mode 0600) with a manifest of their sha256 and sizes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from badges.services.crypto import keyring

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = ("database.sqlite3", "database.sql")
KEYS = "keys/"
# An archive member larger than this is refused before it is read (a database of this service is far smaller).
MAX_MEMBER = 4 * 1024**3


class BackupError(Exception):
    """A backup or restore refused; the message is French and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Manifest:
    """What an archive holds; `files` maps each member name to its sha256 and size."""

    created_at: str
    app_version: str
    database: str  # "sqlite" or "postgresql"
    revision: str
    key_ids: list[str]
    files: dict[str, dict[str, Any]]

    def to_json(self) -> bytes:
        document = {"format": FORMAT, **self.__dict__}
        return json.dumps(document, indent=2, sort_keys=True).encode()


def describe(path: Path) -> dict[str, Any]:
    """sha256 and size of one file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"sha256": digest.hexdigest(), "size": size}


def write(output: Path, manifest: Manifest, folder: Path) -> None:
    """Write the archive (0600 from its first byte) beside `output`, then move it there; never overwrite."""
    if output.exists():
        raise BackupError(f"{output} existe déjà : choisissez un autre nom.")
    fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add(tar, MANIFEST, io.BytesIO(manifest.to_json()), len(manifest.to_json()))
            for name in sorted(manifest.files):
                with (folder / name).open("rb") as handle:
                    _add(tar, name, handle, manifest.files[name]["size"])
        os.link(temporary, output)  # fails rather than replace a file created meanwhile
    finally:
        os.unlink(temporary)


def _add(tar: tarfile.TarFile, name: str, handle: Any, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = size, 0o600
    tar.addfile(info, handle)


def extract(archive: Path, folder: Path) -> Manifest:
    """Unpack into `folder` and check every file against the manifest; BackupError on any difference."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            names = [_extract_member(tar, member, folder) for member in tar]
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"Archive illisible ou tronquée ({archive.name}) : rien n'a été modifié.") from exc
    if MANIFEST not in names:
        raise BackupError("L'archive n'a pas de manifest.json : rien n'a été modifié.")
    manifest = _read_manifest(folder / MANIFEST)
    present = set(names) - {MANIFEST}
    if present != set(manifest.files):
        extra = sorted(present ^ set(manifest.files))
        raise BackupError(f"L'archive ne contient pas les fichiers de son manifeste ({', '.join(extra)}).")
    for name, expected in manifest.files.items():
        if describe(folder / name) != expected:
            raise BackupError(
                f"Le fichier {name} de l'archive est modifié ou tronqué : rien n'a été modifié."
            )
    return manifest


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, folder: Path) -> str:
    name = member.name
    allowed = name == MANIFEST or name in DATABASE_FILES or _is_key_file(name)
    if not member.isfile() or not allowed or member.size > MAX_MEMBER:
        raise BackupError(f"L'archive contient un élément inattendu ({name!r}) : rien n'a été modifié.")
    target = folder / name
    target.parent.mkdir(mode=0o700, exist_ok=True)
    source = tar.extractfile(member)
    assert source is not None  # a regular file
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for block in iter(lambda: source.read(1 << 20), b""):
            handle.write(block)
    return name


def _is_key_file(name: str) -> bool:
    stem = name.removeprefix(KEYS).removesuffix(".pem")
    return name == f"{KEYS}{stem}.pem" and keyring.is_kid(stem)


def _read_manifest(path: Path) -> Manifest:
    try:
        document = json.loads(path.read_bytes())
        if document.pop("format") != FORMAT:
            raise BackupError("Format d'archive inconnu : utilisez la version de badges qui l'a créée.")
        manifest = Manifest(**document)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BackupError("Le manifest.json de l'archive est illisible : rien n'a été modifié.") from exc
    if not all(isinstance(v, dict) for v in manifest.files.values()):
        raise BackupError("Le manifest.json de l'archive est illisible : rien n'a été modifié.")
    return manifest
