"""W3C Bitstring Status List encoding: GZIP, then multibase base64url without padding.

See docs/standards.md#S-status-list.
"""

from __future__ import annotations

import base64
import gzip
import io
from collections.abc import Iterable

# Hard cap on what a foreign list may inflate to (2 MiB = 16M entries): a gzip bomb is refused.
MAX_DECODED_BYTES = 2 * 1024 * 1024


def encode(set_indexes: Iterable[int], size_bits: int) -> str:
    """Index i is bit 0x80 >> (i % 8) of byte i // 8: index 0 is the left-most bit."""
    bits = bytearray(size_bits // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the encoding deterministic for a given set of bits.
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The raw bitstring; ValueError on anything malformed or too large."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u' prefix)")
    raw = encoded[1:]
    try:
        # validate: characters outside base64url are an error, not silently skipped.
        compressed = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True)
        decompressor = gzip.GzipFile(fileobj=io.BytesIO(compressed))
        data = decompressor.read(MAX_DECODED_BYTES + 1)
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"encodedList cannot be decoded: {exc}") from exc
    if len(data) > MAX_DECODED_BYTES:
        raise ValueError("encodedList is too large")
    if not data:
        raise ValueError("encodedList is empty")
    return data


def is_set(bits: bytes, index: int) -> bool:
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("status index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
