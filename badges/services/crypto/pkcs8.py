"""Encrypted PKCS#8 (RFC 5958) written with PBES2: PBKDF2-HMAC-SHA256 at a chosen count, AES-256-CBC.

pyca/cryptography writes PKCS#8 only through `BestAvailableEncryption`, which uses OpenSSL's default of
2,048 PBKDF2 iterations and offers no way to raise it (its `encryption_builder` serves only OpenSSH and
PKCS#12). The structure is small, so it is written here (RFC 8018 §6.2 and Appendix A.2/A.4) and read back
by cryptography's own loader, as by `openssl pkey`. Reading the parameters of an existing file tells
whether it needs wrapping again.
"""

from __future__ import annotations

import base64
import os

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

# OWASP Password Storage Cheat Sheet (2023 onwards): PBKDF2-HMAC-SHA256, 600,000 iterations.
ITERATIONS = 600_000

# DER of the object identifiers (RFC 8018 Appendix C, NIST CSOR for AES).
_PBES2 = bytes.fromhex("06092a864886f70d01050d")  # 1.2.840.113549.1.5.13
_PBKDF2 = bytes.fromhex("06092a864886f70d01050c")  # 1.2.840.113549.1.5.12
_HMAC_SHA256 = bytes.fromhex("06082a864886f70d0209")  # 1.2.840.113549.2.9
_AES256_CBC = bytes.fromhex("060960864801650304012a")  # 2.16.840.1.101.3.4.1.42
_NULL = b"\x05\x00"
_PEM_LABEL = "ENCRYPTED PRIVATE KEY"


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _sequence(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def _integer(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _algorithm(salt: bytes, iterations: int, iv: bytes) -> bytes:
    """The PBES2 AlgorithmIdentifier: PBKDF2 (salt, count, PRF hmacWithSHA256), then AES-256-CBC (iv)."""
    pbkdf2_params = _sequence(_tlv(0x04, salt), _integer(iterations), _sequence(_HMAC_SHA256, _NULL))
    kdf = _sequence(_PBKDF2, pbkdf2_params)
    cipher = _sequence(_AES256_CBC, _tlv(0x04, iv))
    return _sequence(_PBES2, _sequence(kdf, cipher))


def encrypt(private_key: PrivateKeyTypes, passphrase: bytes, iterations: int) -> bytes:
    """The key as an encrypted PKCS#8 PEM (EncryptedPrivateKeyInfo, RFC 5958 §3)."""
    plain = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, iv = os.urandom(16), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    data = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    der = _sequence(_algorithm(salt, iterations, iv), _tlv(0x04, data))
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {_PEM_LABEL}-----", *lines, f"-----END {_PEM_LABEL}-----", ""]).encode()


def _read(der: bytes, offset: int, tag: int) -> tuple[bytes, int]:
    """The content of the TLV at offset (which must have this tag) and the offset after it."""
    if offset + 2 > len(der) or der[offset] != tag:
        raise ValueError("unexpected DER")
    size, offset = der[offset + 1], offset + 2
    if size & 0x80:
        count = size & 0x7F
        size, offset = int.from_bytes(der[offset : offset + count], "big"), offset + count
    if offset + size > len(der):
        raise ValueError("truncated DER")
    return der[offset : offset + size], offset + size


def pbkdf2_sha256_iterations(pem: bytes) -> int | None:
    """The PBKDF2 count of a PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC key file; None for anything else."""
    text = pem.decode("ascii", "replace")
    begin, end = f"-----BEGIN {_PEM_LABEL}-----", f"-----END {_PEM_LABEL}-----"
    if begin not in text or end not in text:
        return None
    try:
        der = base64.b64decode(text.split(begin, 1)[1].split(end, 1)[0])
        info, _ = _read(der, 0, 0x30)
        algorithm, _ = _read(info, 0, 0x30)
        if not algorithm.startswith(_PBES2):
            return None
        params, _ = _read(algorithm, len(_PBES2), 0x30)
        kdf, after_kdf = _read(params, 0, 0x30)
        if not kdf.startswith(_PBKDF2) or not params[after_kdf:].startswith(b"\x30\x1d" + _AES256_CBC):
            return None
        kdf_params, _ = _read(kdf, len(_PBKDF2), 0x30)
        _salt, offset = _read(kdf_params, 0, 0x04)
        count, offset = _read(kdf_params, offset, 0x02)
        # The PRF is optional and then means hmacWithSHA1 (RFC 8018 Appendix A.2): only SHA-256 counts.
        if kdf_params[offset:] != _sequence(_HMAC_SHA256, _NULL):
            return None
    except (ValueError, IndexError):
        return None
    return int.from_bytes(count, "big")
