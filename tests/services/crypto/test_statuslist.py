"""Bitstring Status List encoding (docs/standards.md#S-status-list): round trip, bit order, hostile lists."""

from __future__ import annotations

import base64
import gzip

import pytest

from badges.services.crypto import statuslist

SIZE = 131_072  # the spec's minimum list length, in bits


def multibase(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_round_trip_sets_exactly_the_given_bits():
    revoked = {0, 7, 8, 1_000, SIZE - 1}
    bits = statuslist.decode(statuslist.encode(revoked, SIZE))
    assert len(bits) == SIZE // 8
    assert {i for i in range(SIZE) if statuslist.is_set(bits, i)} == revoked


def test_index_zero_is_the_left_most_bit_of_the_first_byte():
    bits = statuslist.decode(statuslist.encode([0, 9], 16))
    assert bits == bytes([0b1000_0000, 0b0100_0000])


def test_the_encoding_is_multibase_base64url_gzip_and_deterministic():
    encoded = statuslist.encode([3], SIZE)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert encoded == statuslist.encode([3], SIZE)
    raw = encoded[1:]
    assert gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))[0] == 0b0001_0000


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("", id="empty"),
        pytest.param(base64.urlsafe_b64encode(gz(b"\0" * 16)).decode(), id="no-multibase-prefix"),
        pytest.param("u!!!", id="not-base64url"),
        pytest.param("u", id="nothing"),
        pytest.param(multibase(gz(b"")), id="empty-list"),
        pytest.param(multibase(gz(b"\0" * 16)) + "*", id="trailing-garbage"),
        pytest.param(multibase(b"not gzip at all"), id="not-gzip"),
        pytest.param(multibase(gz(b"\0" * 64)[:-6]), id="truncated"),
    ],
)
def test_malformed_lists_are_refused(encoded):
    with pytest.raises(ValueError):
        statuslist.decode(encoded)


def test_a_gzip_bomb_is_refused_past_the_cap():
    bomb = multibase(gz(b"\0" * (statuslist.MAX_DECODED_BYTES + 1)))
    assert len(bomb) < 10_000
    with pytest.raises(ValueError, match="too large"):
        statuslist.decode(bomb)
    at_cap = multibase(gz(b"\0" * statuslist.MAX_DECODED_BYTES))
    assert len(statuslist.decode(at_cap)) == statuslist.MAX_DECODED_BYTES


@pytest.mark.parametrize("index", [-1, 16])
def test_an_index_outside_the_list_is_an_error_not_a_valid_status(index):
    with pytest.raises(ValueError, match="outside"):
        statuslist.is_set(bytes(2), index)
