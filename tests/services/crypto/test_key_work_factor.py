"""Key files are encrypted with PBKDF2-HMAC-SHA256 at the OWASP count; older, weaker files are re-wrapped."""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services.crypto import pkcs8
from badges.services.crypto.keyring import Keyring

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture
def production_count(key_work_factor: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """The real work factor for this test (the suite runs with a low one, see tests/conftest.py)."""
    monkeypatch.setattr(pkcs8, "ITERATIONS", key_work_factor)
    return key_work_factor


def algorithm(path: Path) -> dict[str, object]:
    """The PKCS#8 encryption parameters as OpenSSL reads them (an outside parser, not ours)."""
    command = ["openssl", "asn1parse", "-in", str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    objects = re.findall(r"prim: OBJECT\s+:(\S+)", out.stdout)
    count = re.search(r"prim: INTEGER\s+:([0-9A-F]+)", out.stdout)
    assert count, out.stdout
    return {"objects": objects, "iterations": int(count.group(1), 16)}


def openssl_reads(path: Path) -> bool:
    command = ["openssl", "pkey", "-in", str(path), "-passin", f"pass:{PASSPHRASE.decode()}", "-noout"]
    return subprocess.run(command, capture_output=True).returncode == 0


def test_the_work_factor_is_the_owasp_count(key_work_factor: int) -> None:
    assert key_work_factor >= 600_000


def test_new_key_files_use_pbkdf2_sha256_at_the_current_count(tmp_path: Path, production_count: int) -> None:
    Keyring(tmp_path, PASSPHRASE).generate("Ed25519", "ed-1")
    path = tmp_path / "ed-1.pem"
    assert algorithm(path) == {
        "objects": ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"],
        "iterations": production_count,
    }
    assert openssl_reads(path)


def test_a_key_written_the_old_way_is_rewrapped_on_first_load_and_still_signs(
    tmp_path: Path, production_count: int
) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / "old.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE),
        )
    )
    path.chmod(0o600)
    assert algorithm(path)["iterations"] == 2048

    signature = Keyring(tmp_path, PASSPHRASE).sign("old", b"message")

    key.public_key().verify(signature, b"message")
    assert algorithm(path)["iterations"] == production_count
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert openssl_reads(path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.pem"]  # no temporary file left behind
    # Idempotent: a second load finds the file strong enough and leaves it alone.
    before = path.stat()
    assert Keyring(tmp_path, PASSPHRASE).sign("old", b"again")
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_file_at_the_current_count_is_not_rewritten(tmp_path: Path, production_count: int) -> None:
    Keyring(tmp_path, PASSPHRASE).generate("RSA", "rsa-1")
    before = (tmp_path / "rsa-1.pem").read_bytes()
    Keyring(tmp_path, PASSPHRASE).sign("rsa-1", b"message")
    assert (tmp_path / "rsa-1.pem").read_bytes() == before


@pytest.mark.parametrize(
    "pem",
    [b"", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
     b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAMCAQE=\n-----END ENCRYPTED PRIVATE KEY-----\n"],
)  # fmt: skip
def test_unknown_or_malformed_files_have_no_count(pem: bytes) -> None:
    assert pkcs8.pbkdf2_sha256_iterations(pem) is None
