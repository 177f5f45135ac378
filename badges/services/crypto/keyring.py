"""Key material: encrypted private keys on disk (the Keyring) and public keys as PEM, Multikey and JWK."""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badges.services.crypto import CryptoError, pkcs8
from badges.services.crypto.multibase import ed25519_multibase

log = logging.getLogger(__name__)

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | Ed25519PublicKey
PrivateKey = rsa.RSAPrivateKey | Ed25519PrivateKey

# A kid names a file in keys_dir: no separators and no leading dot, so no path traversal and no dotfiles.
_KID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
_MIN_RSA_BITS = 2048
# RFC 7518 §6.2.2 / §6.3.2 / §6.4 and RFC 8037 §2: members that only a private or symmetric key has.
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class PublicKeyInfo:
    """A public key as published: ``algorithm`` is "Ed25519", "RSA" or "EC" (P-256)."""

    algorithm: str
    public_pem: str
    multibase: str | None  # publicKeyMultibase, Ed25519 only

    def public_key(self) -> PublicKey:
        return _checked(serialization.load_pem_public_key(self.public_pem.encode("ascii")))

    def jwk(self, kid: str) -> dict[str, str]:
        """The public JWK with kid, alg and use, as listed in a JWKS (docs/standards.md#S-vc-jwt)."""
        key = self.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            numbers = key.public_numbers()
            fields = {"kty": "RSA", "n": _b64_uint(numbers.n), "e": _b64_uint(numbers.e)}
            alg = "RS256"
        elif isinstance(key, ec.EllipticCurvePublicKey):
            point = key.public_numbers()
            fields = {"kty": "EC", "crv": "P-256", "x": _b64_uint(point.x, 32), "y": _b64_uint(point.y, 32)}
            alg = "ES256"
        else:
            raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            fields = {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
            alg = "EdDSA"
        return {**fields, "kid": kid, "alg": alg, "use": "sig"}


class Keyring:
    """Private keys as encrypted PKCS#8 PEM files named ``<kid>.pem``; they never leave this object.

    Files are encrypted with PBKDF2-HMAC-SHA256 at ``pkcs8.ITERATIONS``; a file written with a weaker
    count (older versions used OpenSSL's 2,048) is wrapped again the first time it is loaded.
    """

    def __init__(self, keys_dir: Path, passphrase: bytes) -> None:
        if not passphrase:
            raise ValueError("the keyring passphrase must not be empty")
        self._dir = Path(keys_dir)
        self._passphrase = passphrase
        self._iterations = pkcs8.ITERATIONS
        self._loaded: dict[str, PrivateKey] = {}

    def generate(self, algorithm: Literal["Ed25519", "RSA"], kid: str) -> PublicKeyInfo:
        """Create a key and its file (mode 0600); refuses to overwrite an existing kid."""
        path = self._path(kid)
        key = new_private_key(algorithm)
        pem = pkcs8.encrypt(key, self._passphrase, self._iterations)
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            # O_EXCL: never replace a key (nor follow a planted symlink); 0o600 from the first byte on.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CryptoError("key_exists", f"key {kid} already exists") from exc
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
        except BaseException:
            # A truncated file would make the kid unusable and impossible to regenerate.
            path.unlink(missing_ok=True)
            raise
        self._loaded[kid] = key
        return _info(key.public_key())

    def has(self, kid: str) -> bool:
        return self._path(kid).is_file()

    def readable(self, kid: str, *, decrypt: bool) -> bool:
        """The key's file can be read now; with `decrypt`, it also opens with this passphrase (decrypted
        once per process, like any key in use: decryption is deliberately slow)."""
        try:
            self._path(kid).read_bytes()
            if decrypt:
                self._private(kid)
        except (OSError, CryptoError):
            return False
        return True

    def public_info(self, kid: str) -> PublicKeyInfo:
        return _info(self._private(kid).public_key())

    def sign(self, kid: str, data: bytes) -> bytes:
        """Ed25519 signature of data, or RSASSA-PKCS1-v1_5 with SHA-256 (RS256) for an RSA key."""
        key = self._private(kid)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return key.sign(data)

    def _path(self, kid: str) -> Path:
        if not isinstance(kid, str) or not _KID.fullmatch(kid):
            raise CryptoError("invalid_kid", f"unsafe key id {kid!r}")
        return self._dir / f"{kid}.pem"

    def _private(self, kid: str) -> PrivateKey:
        # Loaded lazily (decryption is deliberately slow) and kept in memory afterwards.
        key = self._loaded.get(kid)
        if key is not None:
            return key
        try:
            pem = self._path(kid).read_bytes()
        except FileNotFoundError as exc:
            raise CryptoError("unknown_key", f"no private key {kid}") from exc
        try:
            loaded = serialization.load_pem_private_key(pem, password=self._passphrase)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            # TypeError: the file is not encrypted, which this keyring never writes.
            raise CryptoError("bad_passphrase", f"key {kid} cannot be decrypted") from exc
        if not isinstance(loaded, rsa.RSAPrivateKey | Ed25519PrivateKey):
            raise CryptoError("unknown_key", f"key {kid} is neither Ed25519 nor RSA")
        if (pkcs8.pbkdf2_sha256_iterations(pem) or 0) < self._iterations:
            self._rewrap(kid, loaded)
        self._loaded[kid] = loaded
        return loaded

    def _rewrap(self, kid: str, key: PrivateKey) -> None:
        """Encrypt the file again at the current work factor: a new file (0600) renamed over the old one,
        so a crash leaves either file whole, and a second run finds nothing to do."""
        pem = pkcs8.encrypt(key, self._passphrase, self._iterations)
        # The leading dot keeps the temporary file out of the kid namespace (see _KID).
        fd, temporary = tempfile.mkstemp(dir=self._dir, prefix=f".{kid}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(pem)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self._path(kid))
        except OSError as exc:
            # A read-only keys directory still signs; the operator is told the file stays weak.
            Path(temporary).unlink(missing_ok=True)
            log.warning("key %s could not be re-encrypted at the current work factor: %s", kid, exc)


def public_info_from_pem(pem: str) -> PublicKeyInfo:
    """PublicKeyInfo of a SubjectPublicKeyInfo PEM; CryptoError("unknown_key") if it is not one we accept."""
    return _info(_load_pem(pem))


@functools.lru_cache(maxsize=256)
def public_key_from_pem(pem: str) -> PublicKey:
    """The same key, parsed once per process and PEM: key objects are immutable, and verifying an own token
    parsed its key twice per request (issue 17). Failures are not cached: they raise again on each call."""
    return _load_pem(pem)


def _load_pem(pem: str) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeError, UnsupportedAlgorithm) as exc:
        raise CryptoError("unknown_key", "not a public key PEM") from exc
    return _checked(key)


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """The public key of a foreign JWK (RSA, EC P-256, Ed25519); a JWK with private members is refused."""
    if not isinstance(jwk, dict):
        raise CryptoError("unknown_key", "a JWK is a JSON object")
    if _PRIVATE_JWK_MEMBERS & jwk.keys():
        raise CryptoError("private_jwk", "the JWK contains private key material")
    if jwk.get("use", "sig") != "sig":
        raise CryptoError("unknown_key", "the JWK is not a signature key")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "RSA":
            key: Any = rsa.RSAPublicNumbers(_uint(jwk["e"]), _uint(jwk["n"])).public_key()
        elif kty == "EC" and crv == "P-256":
            key = ec.EllipticCurvePublicNumbers(_uint(jwk["x"]), _uint(jwk["y"]), ec.SECP256R1()).public_key()
        elif kty == "OKP" and crv == "Ed25519":
            key = Ed25519PublicKey.from_public_bytes(_unb64(jwk["x"]))
        else:
            raise CryptoError("unknown_key", f"unsupported JWK kty={kty!r} crv={crv!r}")
    except (KeyError, TypeError, ValueError) as exc:
        raise CryptoError("unknown_key", "malformed JWK") from exc
    return _checked(key)


def new_private_key(algorithm: str) -> PrivateKey:
    """A fresh private key: the one place keys are generated (the test suite replaces it by a pool)."""
    if algorithm == "Ed25519":
        return Ed25519PrivateKey.generate()
    if algorithm == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=_MIN_RSA_BITS)
    raise CryptoError("unsupported_algorithm", f"cannot generate {algorithm!r} keys")


def _checked(key: Any) -> PublicKey:
    """Accept only the key types our algorithms use: RSA >= 2048 bits, EC P-256, Ed25519."""
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < _MIN_RSA_BITS:
            raise CryptoError("weak_key", f"RSA keys below {_MIN_RSA_BITS} bits are refused")
        return key
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    if isinstance(key, Ed25519PublicKey):
        return key
    raise CryptoError("unknown_key", "unsupported key type")


def _info(key: PublicKey) -> PublicKeyInfo:
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKeyInfo("Ed25519", pem.decode("ascii"), ed25519_multibase(raw))
    return PublicKeyInfo("RSA" if isinstance(key, rsa.RSAPublicKey) else "EC", pem.decode("ascii"), None)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64_uint(number: int, length: int = 0) -> str:
    """RFC 7518 §2 Base64urlUInt: big-endian, minimal length unless a fixed length is required."""
    return _b64(number.to_bytes(max(length, (number.bit_length() + 7) // 8), "big"))


def _unb64(text: str) -> bytes:
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _uint(text: str) -> int:
    return int.from_bytes(_unb64(text), "big")


def fingerprint(key: PublicKey) -> str:
    """SHA-256 of the SubjectPublicKeyInfo: compares keys of any type without exposing their numbers."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def decrypts(pem: bytes, passphrase: bytes) -> bool:
    """Whether an encrypted key file opens with this passphrase (a restore checks it before writing)."""
    try:
        loaded = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return isinstance(loaded, rsa.RSAPrivateKey | Ed25519PrivateKey)


def is_kid(name: str) -> bool:
    """Whether `name` is a key id this keyring would use as a file name (`<kid>.pem`)."""
    return bool(_KID.fullmatch(name))
