"""badges/logs.py and badges/redaction.py: the format chosen, the lines written, what is blanked out."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badges import create_app, logs
from badges.redaction import MAY_HOLD_SECRET, RULES, RedactFilter, network_of, redact
from badges.services.shared.tracing import bound_request_id


@pytest.fixture
def written() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own, writing through a badges handler into a buffer."""
    out = io.StringIO()
    logger = logging.getLogger("badges.test_logs")
    handler = logs.prepare_handler(logging.StreamHandler(out), "json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield logger, out
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize(
    ("environ", "configured", "expected"),
    [
        ({}, None, "text"),
        ({"BADGES_ENV": "production"}, None, "json"),
        ({"SERVER_SOFTWARE": "gunicorn/23.0.0"}, None, "json"),
        ({"SERVER_SOFTWARE": "gunicorn/23.0.0", "BADGES_LOG_FORMAT": "text"}, None, "text"),
        ({"BADGES_LOG_FORMAT": "JSON"}, None, "json"),
        ({"BADGES_LOG_FORMAT": "json"}, "text", "text"),
    ],
)
def test_the_format_is_json_in_production_and_under_gunicorn_text_otherwise(environ, configured, expected):
    assert logs.chosen_format(environ, configured) == expected


def test_an_unknown_format_or_level_is_refused():
    with pytest.raises(ValueError, match="BADGES_LOG_FORMAT"):
        logs.chosen_format({"BADGES_LOG_FORMAT": "xml"})
    with pytest.raises(ValueError, match="BADGES_LOG_LEVEL"):
        logs.chosen_level({"BADGES_LOG_LEVEL": "chatty"})


def test_a_json_line_has_the_time_level_logger_message_request_id_and_extras(written):
    logger, out = written
    with bound_request_id("req-0123456789") as request_id:
        logger.info("award %s issued", "b7e0", extra={"account": "a1b2", "attachments": 1})
    logger.warning("outside any request")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["time"].endswith("Z") and first["level"] == "INFO" and first["logger"] == "badges.test_logs"
    assert first["message"] == "award b7e0 issued" and first["request_id"] == request_id
    assert first["account"] == "a1b2" and first["attachments"] == 1
    assert second["request_id"] is None


def test_an_exception_is_one_line_and_redacted(written):
    logger, out = written
    try:
        raise RuntimeError("duplicate key (email)=(awa@example.org)")
    except RuntimeError:
        logger.exception("could not save")
    [line] = out.getvalue().splitlines()
    record = json.loads(line)
    assert "RuntimeError: duplicate key (email)=([e-mail])" in record["exception"]
    assert "awa@example.org" not in line


def test_a_text_line_is_readable_with_its_request_id():
    out = io.StringIO()
    handler = logs.prepare_handler(logging.StreamHandler(out), "text")
    record = logging.makeLogRecord({"name": "badges.x", "levelno": 20, "levelname": "INFO", "msg": "hello"})
    with bound_request_id("req-0123456789"):
        handler.handle(record)
    handler.handle(logging.makeLogRecord({"name": "badges.x", "levelname": "INFO", "msg": "bye", "n": 2}))
    first, second = out.getvalue().splitlines()
    assert first.endswith(" INFO badges.x [req-0123456789] hello")
    assert second.endswith(" INFO badges.x [-] bye n=2")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sent to Awa.Diallo+badges@example.org", "sent to [e-mail]"),
        ("Authorization: Bearer 3q2-7w_ab.cd", "Authorization: Bearer …"),
        ("GET /mes-badges/Zm9vYmFy-baz/1234 HTTP/1.1", "GET /mes-badges/…/1234 HTTP/1.1"),
        ("GET /mes-badges/<token> HTTP/1.1", "GET /mes-badges/<token> HTTP/1.1"),
        ("/staff/password/reset/abc.def.ghi", "/staff/password/reset/…"),
        ("/staff/invitation/abc.def", "/staff/invitation/…"),
        ("/partage/s3cr3t and /code/K3M9ZQ4XH2PA", "/partage/… and /code/…"),
        ("/verifier?code=K3M9-ZQ4X-H2PA&lang=fr", "/verifier?code=…&lang=fr"),
        ("the code K3M9-ZQ4X-H2PA was typed", "the code … was typed"),
        ('{"password": "hunter2", "name": "x"}', '{"password": "…", "name": "x"}'),
        ("passphrase=correct-horse", "passphrase=…"),
        ("token eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln", "token …"),
        ("share 9fQx3LrT0pZkV8yW2nB5mC7dE1gH4jK6sA0uI9oP", "share …"),
        ("award 123e4567-e89b-12d3-a456-426614174000", "award 123e4567-e89b-12d3-a456-426614174000"),
        ("request 0123456789abcdef served", "request 0123456789abcdef served"),
        ("badges.services.verification.checking", "badges.services.verification.checking"),
    ],
)
def test_the_filter_blanks_out_addresses_tokens_codes_and_passwords(line, expected):
    assert redact(line) == expected


def _every_rule(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('aB3K9Z-_./:=@ "eyJbearerBASICcode@x.org')), max_size=60))
def test_the_quick_pass_leaves_a_text_only_when_no_rule_would_change_it(text):
    """The pre-check (MAY_HOLD_SECRET) skips the rules on ordinary lines: never on one they would change."""
    assert redact(text) == _every_rule(text)
    if MAY_HOLD_SECRET.search(text) is None:
        assert _every_rule(text) == text


@pytest.mark.parametrize(
    ("address", "network"),
    [("203.0.113.7", "203.0.113.0"), ("2001:db8:1:2::7", "2001:db8:1::"), ("-", "-"), ("unix:x", "…")],
)
def test_the_access_line_keeps_the_clients_network_not_the_client(address, network):
    assert network_of(address) == network


def test_the_development_servers_request_line_keeps_the_network_and_hides_the_link():
    line = '203.0.113.7 - - [10/Mar/2026 14:05:02] "%s" %s %s'
    args = ("GET /mes-badges/Zm9vYmFyYmF6cXV4 HTTP/1.1", "200", "-")
    record = logging.makeLogRecord({"name": "werkzeug", "msg": line, "args": args})
    RedactFilter().filter(record)
    assert record.getMessage() == '203.0.113.0 - - [10/Mar/2026 14:05:02] "GET /mes-badges/… HTTP/1.1" 200 -'


def test_create_app_configures_the_root_logger_once(tmp_path, monkeypatch):
    monkeypatch.setenv("BADGES_LOG_FORMAT", "json")
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        for _ in range(2):
            create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "KEYS_DIR": str(tmp_path)})
        ours = [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME]
        assert len(ours) == 1 and isinstance(ours[0].formatter, logs.JsonFormatter)
    finally:
        for handler in root.handlers:
            if handler not in before:
                root.removeHandler(handler)
        for handler in before:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)
