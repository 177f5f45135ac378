"""Reading verification input: formats told apart, limits applied before parsing."""

from __future__ import annotations

import json

import pytest

from badges.services.verification.inputs import (
    MAX_JSON_DEPTH,
    InputError,
    from_bytes,
    from_text,
    json_depth_ok,
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, True),
        ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), False),
        (json.dumps({"a": "[" * 500}), True),  # brackets inside strings do not count
        (json.dumps({"a": '\\"' + "{" * 500}), True),  # an escaped quote does not end the string
        (json.dumps({"a": "\\\\"}) + "[" * 100, False),  # an escaped backslash does not escape the quote
        (json.dumps([[1, 2]] * 200), True),  # many brackets, little depth
    ],
)
def test_json_depth_is_measured_outside_strings(text, ok):
    assert json_depth_ok(text) is ok


@pytest.mark.parametrize(
    ("text", "kind"),
    [("https://example.org/badge", "url"), ("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "jws"), ('{"a": 1}', "json")],
)
def test_text_formats_are_told_apart(text, kind):
    assert from_text(text).kind == kind


@pytest.mark.parametrize("data", [b"\xff\xfe\x00garbage", b"", b"   "])
def test_unreadable_files_raise_input_error(data):
    with pytest.raises(InputError):
        from_bytes(data)
