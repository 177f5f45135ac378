"""Base58btc and Ed25519 publicKeyMultibase encoding."""

from __future__ import annotations

from typing import Any

import pytest

from badges.services.crypto import CryptoError
from badges.services.crypto.multibase import b58decode, b58encode, ed25519_from_multibase, ed25519_multibase


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"hello world", "StV1DL6CwTryKyV"),
        (b"\xff" * 4, "7YXq9G"),
    ],
)
def test_base58btc_round_trips_and_keeps_leading_zeros(data: bytes, text: str) -> None:
    assert b58encode(data) == text
    assert b58decode(text) == data


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "abc+", "z é"])
def test_b58decode_refuses_characters_outside_the_alphabet(text: str) -> None:
    with pytest.raises(ValueError, match="base58btc"):
        b58decode(text)


def test_ed25519_multibase_round_trip() -> None:
    key = bytes(range(32))
    text = ed25519_multibase(key)
    assert text.startswith("z6Mk")
    assert ed25519_from_multibase(text) == key


def test_ed25519_multibase_needs_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ed25519_multibase(b"\x01" * 31)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",  # no multibase prefix
        "uO0kBAQ",  # base64url multibase
        "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",  # a secp256k1 key
        "z" + b58encode(b"\xed\x01" + b"\x01" * 31),  # 31-byte key
        "z" + b58encode(b"\xed\x01" + b"\x01" * 33),  # 33-byte key
        "z6Mk0OIl",  # not base58
        "z6Mk" + "1" * 5000,  # far too long
        12,
        None,
    ],
)
def test_ed25519_from_multibase_refuses_anything_but_an_ed25519_key(text: Any) -> None:
    with pytest.raises(CryptoError) as caught:
        ed25519_from_multibase(text)
    assert caught.value.code == "unknown_key"
