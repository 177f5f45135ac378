"""Base58btc and the Ed25519 Multikey encoding ("z" + base58btc(0xed 0x01 + key)).

See docs/standards.md#S-keys.
"""

from __future__ import annotations

from badges.services.crypto import CryptoError

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_VALUES = {char: value for value, char in enumerate(_ALPHABET)}
# Multicodec header of an Ed25519 public key (varint 0xed).
_ED25519_HEADER = b"\xed\x01"
# "z" + base58 of 34 bytes is 48 characters; anything much longer is refused before the quadratic decode.
_MAX_MULTIBASE_CHARS = 64


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, remainder = divmod(number, 58)
        digits = _ALPHABET[remainder] + digits
    # Each leading zero byte is written as a leading "1".
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def b58decode(text: str) -> bytes:
    """Bytes of a base58btc string; ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        value = _VALUES.get(char)
        if value is None:
            raise ValueError(f"invalid base58btc character {char!r}")
        number = number * 58 + value
    return b"\0" * (len(text) - len(text.lstrip("1"))) + number.to_bytes(
        (number.bit_length() + 7) // 8, "big"
    )


def ed25519_multibase(pub32: bytes) -> str:
    """publicKeyMultibase of a raw Ed25519 public key; it always starts with "z6Mk"."""
    if len(pub32) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return "z" + b58encode(_ED25519_HEADER + pub32)


def ed25519_from_multibase(text: str) -> bytes:
    """The raw 32-byte Ed25519 public key of a publicKeyMultibase; CryptoError("unknown_key") otherwise."""
    # Often read from a foreign JSON document, so the type is checked too.
    if not isinstance(text, str) or not text.startswith("z6Mk") or len(text) > _MAX_MULTIBASE_CHARS:
        raise CryptoError("unknown_key", "not an Ed25519 publicKeyMultibase (z6Mk...)")
    try:
        decoded = b58decode(text[1:])
    except ValueError as exc:
        raise CryptoError("unknown_key", "publicKeyMultibase is not base58btc") from exc
    if decoded[:2] != _ED25519_HEADER or len(decoded) != 34:
        raise CryptoError("unknown_key", "publicKeyMultibase is not an Ed25519 key")
    return decoded[2:]
