"""Keyring files, signatures with both algorithms, public keys as PEM, Multikey and JWK."""

from __future__ import annotations

import base64
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from badges.services.crypto import CryptoError
from badges.services.crypto.keyring import (
    Keyring,
    PublicKeyInfo,
    public_info_from_pem,
    public_key_from_jwk,
    public_key_from_pem,
)
from badges.services.crypto.multibase import ed25519_from_multibase

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ring") / "keys"


@pytest.fixture(scope="module")
def ring(keys_dir: Path) -> Keyring:
    keys = Keyring(keys_dir, PASSPHRASE)
    keys.generate("Ed25519", "ed-1")
    keys.generate("RSA", "rsa-1")
    return keys


def spki(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.mark.parametrize("kid", ["ed-1", "rsa-1"])
def test_key_files_are_encrypted_pkcs8_readable_by_the_owner_only(
    ring: Keyring, keys_dir: Path, kid: str
) -> None:
    path = keys_dir / f"{kid}.pem"
    assert path.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700


def test_a_new_keyring_decrypts_keys_lazily_with_the_passphrase(ring: Keyring, keys_dir: Path) -> None:
    fresh = Keyring(keys_dir, PASSPHRASE)
    assert fresh.public_info("ed-1") == ring.public_info("ed-1")
    assert fresh.sign("ed-1", b"data") == ring.sign("ed-1", b"data")  # Ed25519 is deterministic


def test_a_wrong_passphrase_cannot_use_the_keys(ring: Keyring, keys_dir: Path) -> None:
    wrong = Keyring(keys_dir, b"wrong passphrase")
    for kid in ("ed-1", "rsa-1"):
        with pytest.raises(CryptoError) as caught:
            wrong.sign(kid, b"data")
        assert caught.value.code == "bad_passphrase"


def test_an_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="passphrase"):
        Keyring(tmp_path, b"")


def test_an_unencrypted_key_file_is_refused(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "plain.pem").write_bytes(pem)
    with pytest.raises(CryptoError) as caught:
        Keyring(tmp_path, PASSPHRASE).sign("plain", b"data")
    assert caught.value.code == "bad_passphrase"


def test_generate_never_overwrites_a_key(ring: Keyring, keys_dir: Path) -> None:
    before = (keys_dir / "ed-1.pem").read_bytes()
    with pytest.raises(CryptoError) as caught:
        ring.generate("Ed25519", "ed-1")
    assert caught.value.code == "key_exists"
    assert (keys_dir / "ed-1.pem").read_bytes() == before


def test_generate_refuses_an_unknown_algorithm(tmp_path: Path) -> None:
    ring = Keyring(tmp_path / "keys", PASSPHRASE)
    with pytest.raises(CryptoError) as caught:
        ring.generate("HS256", "k")  # type: ignore[arg-type]
    assert caught.value.code == "unsupported_algorithm"
    assert not ring.has("k")


@pytest.mark.parametrize(
    "kid",
    ["../outside", "a/b", "a\\b", ".hidden", "..", "", "a" * 101, "nul\x00byte", "/etc/passwd", "clé", "a b"],
)
def test_unsafe_kids_are_refused_before_touching_the_disk(tmp_path: Path, kid: str) -> None:
    ring = Keyring(tmp_path / "keys", PASSPHRASE)
    for use in (lambda: ring.generate("Ed25519", kid), lambda: ring.has(kid), lambda: ring.sign(kid, b"x")):
        with pytest.raises(CryptoError) as caught:
            use()
        assert caught.value.code == "invalid_kid"
    assert not (tmp_path / "keys").exists()


def test_an_unknown_kid_is_reported(ring: Keyring) -> None:
    assert ring.has("ed-1") and not ring.has("missing")
    with pytest.raises(CryptoError) as caught:
        ring.sign("missing", b"data")
    assert caught.value.code == "unknown_key"


def test_ed25519_signatures_verify_with_the_published_multibase_key(ring: Keyring) -> None:
    info = ring.public_info("ed-1")
    assert info.algorithm == "Ed25519" and info.multibase and info.multibase.startswith("z6Mk")
    public = Ed25519PublicKey.from_public_bytes(ed25519_from_multibase(info.multibase))
    public.verify(ring.sign("ed-1", b"data"), b"data")
    assert spki(public) == spki(info.public_key())


def test_rsa_signatures_are_pkcs1v15_sha256_with_a_2048_bit_key(ring: Keyring) -> None:
    info = ring.public_info("rsa-1")
    public = serialization.load_pem_public_key(info.public_pem.encode())
    assert isinstance(public, rsa.RSAPublicKey)
    assert info.algorithm == "RSA" and info.multibase is None
    assert public.key_size == 2048 and public.public_numbers().e == 65537
    assert info.public_pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    public.verify(ring.sign("rsa-1", b"data"), b"data", padding.PKCS1v15(), hashes.SHA256())


def test_rsa_jwk_shape_and_round_trip(ring: Keyring) -> None:
    info = ring.public_info("rsa-1")
    jwk = info.jwk("https://h/issuers/x/keys/rsa-1")
    assert set(jwk) == {"kty", "n", "e", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["e"], jwk["alg"], jwk["use"]) == ("RSA", "AQAB", "RS256", "sig")
    assert jwk["kid"] == "https://h/issuers/x/keys/rsa-1"
    assert "=" not in jwk["n"] and len(jwk["n"]) == 342  # 256 bytes, base64url without padding
    assert spki(public_key_from_jwk(jwk)) == spki(info.public_key())


def test_ed25519_jwk_shape_and_round_trip(ring: Keyring) -> None:
    info = ring.public_info("ed-1")
    jwk = info.jwk("ed-1")
    assert set(jwk) == {"kty", "crv", "x", "kid", "alg", "use"}
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert spki(public_key_from_jwk(jwk)) == spki(info.public_key())


def test_ec_p256_public_keys_are_accepted_for_es256() -> None:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    info = public_info_from_pem(pem)
    jwk = info.jwk("ec-1")
    assert info.algorithm == "EC"
    assert (jwk["kty"], jwk["crv"], jwk["alg"], len(jwk["x"]), len(jwk["y"])) == (
        "EC",
        "P-256",
        "ES256",
        43,
        43,
    )
    assert spki(public_key_from_jwk(jwk)) == spki(key)


def test_public_info_from_pem_round_trips(ring: Keyring) -> None:
    for kid in ("ed-1", "rsa-1"):
        info = ring.public_info(kid)
        assert public_info_from_pem(info.public_pem) == info


def small_rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@pytest.mark.parametrize(
    ("pem", "code"),
    [
        ("not a pem", "unknown_key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "unknown_key"),
        ("clé", "unknown_key"),
        (small_rsa_pem(), "weak_key"),
        (
            ec.generate_private_key(ec.SECP384R1())
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode(),
            "unknown_key",
        ),
    ],
    ids=["garbage", "empty-der", "non-ascii", "rsa-1024", "ec-p384"],
)
def test_public_info_from_pem_refuses_keys_we_do_not_verify_with(pem: str, code: str) -> None:
    with pytest.raises(CryptoError) as caught:
        public_info_from_pem(pem)
    assert caught.value.code == code
    for _ in range(2):  # the parsed-once path refuses them too, every time (a failure is not remembered)
        with pytest.raises(CryptoError) as again:
            public_key_from_pem(pem)
        assert again.value.code == code


def test_public_key_from_pem_is_the_published_key_parsed_once(ring: Keyring) -> None:
    for kid in ("ed-1", "rsa-1"):
        info = ring.public_info(kid)
        key = public_key_from_pem(info.public_pem)
        assert key is public_key_from_pem(info.public_pem)
        assert spki(key) == spki(info.public_key())


def small_rsa_jwk() -> dict[str, str]:
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_numbers()

    def b64(number: int) -> str:
        return (
            base64.urlsafe_b64encode(number.to_bytes((number.bit_length() + 7) // 8, "big"))
            .decode()
            .rstrip("=")
        )

    return {"kty": "RSA", "n": b64(numbers.n), "e": b64(numbers.e)}


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
def test_public_key_from_jwk_refuses_private_members(ring: Keyring, member: str) -> None:
    jwk = {**ring.public_info("rsa-1").jwk("rsa-1"), member: "AQAB"}
    with pytest.raises(CryptoError) as caught:
        public_key_from_jwk(jwk)
    assert caught.value.code == "private_jwk"


def rsa_jwk(info: PublicKeyInfo, **changes: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = {**info.jwk("rsa-1"), **changes}
    return {name: value for name, value in jwk.items() if value is not None}


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda info: rsa_jwk(info, n=None), "unknown_key"),
        (lambda info: rsa_jwk(info, n="not*base64"), "unknown_key"),
        (lambda info: rsa_jwk(info, n=12), "unknown_key"),
        (lambda info: rsa_jwk(info, use="enc"), "unknown_key"),
        (lambda info: rsa_jwk(info, kty="oct"), "unknown_key"),
        (lambda info: rsa_jwk(info, kty=None), "unknown_key"),
        (lambda info: {"kty": "EC", "crv": "P-384", "x": "AQAB", "y": "AQAB"}, "unknown_key"),
        (lambda info: {"kty": "EC", "crv": "P-256", "x": "AQAB", "y": "AQAB"}, "unknown_key"),  # bad point
        (lambda info: {"kty": "OKP", "crv": "Ed25519", "x": "AQAB"}, "unknown_key"),  # 3 bytes
        (lambda info: {"kty": "OKP", "crv": "X25519", "x": "A" * 43}, "unknown_key"),
        (lambda info: ["not", "an", "object"], "unknown_key"),
        (lambda info: small_rsa_jwk(), "weak_key"),
    ],
    ids=["no-n", "n-not-base64url", "n-not-string", "use-enc", "kty-oct", "no-kty", "ec-p384", "ec-off-curve",
         "ed25519-short", "x25519", "not-object", "rsa-1024"],
)  # fmt: skip
def test_public_key_from_jwk_refuses_malformed_or_unsupported_keys(
    ring: Keyring, build: Any, code: str
) -> None:
    with pytest.raises(CryptoError) as caught:
        public_key_from_jwk(build(ring.public_info("rsa-1")))
    assert caught.value.code == code
