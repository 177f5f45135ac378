"""The bounded JSON reader: limits checked on the raw bytes before parsing, precise French messages."""

from __future__ import annotations

import pytest

from badges.services.shared.errors import InvalidInput, TooLarge
from badges.services.shared.json_input import MAX_DEPTH, depth_ok, read_json

LIMIT = 1024 * 1024


def message(raw: bytes) -> str:
    with pytest.raises(InvalidInput) as caught:
        read_json(raw, max_bytes=LIMIT)
    return caught.value.fields["body"]


def test_reads_an_ordinary_document():
    raw = '{"name": "Café", "tags": ["a", {"b": [1, 2.5, null, true]}]}'.encode()
    assert read_json(raw, max_bytes=LIMIT) == {"name": "Café", "tags": ["a", {"b": [1, 2.5, None, True]}]}


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_a_hundred_thousand_levels_are_refused_before_parsing(opening):
    raw = opening * 100_000 + b"1" + (b"]" if opening == b"[" else b"}") * 100_000
    assert message(raw) == f"Le document JSON est trop imbriqué (plus de {MAX_DEPTH} niveaux)."


def test_the_depth_limit_is_exact_and_ignores_brackets_inside_strings():
    assert depth_ok(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)
    assert not depth_ok(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    quoted = b'{"a": "' + b"[{" * 100 + b'\\"[[[\\\\", "b": 1}'
    assert depth_ok(quoted) and read_json(quoted, max_bytes=LIMIT)["b"] == 1


def test_too_large_is_refused_with_the_limit():
    with pytest.raises(TooLarge, match="dépasse 1 Mo"):
        read_json(b'{"a": "' + b"x" * LIMIT + b'"}', max_bytes=LIMIT)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": "caf\xe9"}', "n'est pas en UTF-8 (octet invalide à la position 10)"),
        (b'{"a": 1, "a": 2}', "La clé « a » apparaît deux fois"),
        (b'{"a": {"b": 1, "b": 1}}', "La clé « b » apparaît deux fois"),
        (b'{"a": NaN}', "La valeur NaN n'est pas du JSON"),
        (b'{"a": -Infinity}', "La valeur -Infinity n'est pas du JSON"),
        (b'{"a": 1,}', "JSON invalide ligne 1, colonne 9"),
        (b"", "JSON invalide ligne 1, colonne 1"),
        (b'{"a": ' + b"9" * 5000 + b"}", "une valeur dépasse les limites acceptées"),
    ],
)
def test_unreadable_input_gets_a_precise_message(raw, expected):
    assert expected in message(raw)
