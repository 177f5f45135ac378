"""The safety net of the logs: e-mail addresses, tokens, claim codes and passwords blanked out of a line.

Log calls are written not to pass personal data or secrets (a log call names an account by its public
id, a request by its route pattern); this filter catches what slips through anyway: an exception whose
text quotes a SQL parameter, a third-party library logging a URL, a path in a traceback. A log is read
by more people, kept longer and copied further than the database, so it must hold none of them.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from typing import Any

HIDDEN = "…"
# Paths whose next segment is a secret (a private link, a share link, a claim code, a reset or
# invitation token); a route pattern (`/mes-badges/<token>`) is left as it is.
SECRET_PATHS = re.compile(r"(/(?:mes-badges|partage|code|password/reset|invitation)/)(?!<)[^/\s?#\"'<>]+")
# Query parameters and `key=value` / `"key": "value"` pairs whose value is a secret.
SECRET_VALUES = re.compile(
    r"""(?ix)
    (\b(?:password|passwd|passphrase|secret|secret_key|link_secret|token|access_token|api_key|apikey
       |claim_code|csrf_token|code)
     ["']?\s*[:=]\s*["']?)
    ([^\s"'&,;)}\]]+)
    """
)
AUTHORIZATION = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Claim codes (services/credentials/sharing.py: 12 characters of Crockford's alphabet, shown in fours).
CLAIM_CHAR = "[0-9A-HJKMNP-TV-Z]"
CLAIM_CODE = re.compile(
    rf"(?<![A-Za-z0-9_-]){CLAIM_CHAR}{{4}}-?{CLAIM_CHAR}{{4}}-?{CLAIM_CHAR}{{4}}(?![A-Za-z0-9_-])"
)
# Long random tokens (token_urlsafe, signed links): letters and digits mixed, 32 characters or more.
# UUIDs are public ids (they are in URLs and credentials) and stay readable.
LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _long_token(match: re.Match[str]) -> str:
    return match.group(0) if UUID.fullmatch(match.group(0)) else HIDDEN


def _keep_prefix(match: re.Match[str]) -> str:
    return match.group(1) + HIDDEN


def _keep_scheme(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2) + HIDDEN


# Replacements are functions or plain strings, never `\g<1>` templates: re parses a template again on
# every sub() call (issue 17, a few microseconds per rule and line, on every request's log line).
RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (SECRET_PATHS, _keep_prefix),
    (AUTHORIZATION, _keep_scheme),
    (JWT, HIDDEN),
    (SECRET_VALUES, _keep_prefix),
    (EMAIL, "[e-mail]"),
    (CLAIM_CODE, HIDDEN),
    (LONG_TOKEN, _long_token),
)
# What every rule needs in a text to match at all (in RULES' order: a "/", "bearer" or "basic", "eyJ", a
# ":" or "=", an "@", four claim-code characters in a row, 32 token characters in a row). A text without
# any of them is left as it is without running the rules: most log lines ("badge verified", "jws").
MAY_HOLD_SECRET = re.compile(rf"[/:=@]|(?i:bearer|basic)|eyJ|{CLAIM_CHAR}{{4}}|[A-Za-z0-9_-]{{32}}")


def network_of(address: str) -> str:
    """The client's network, not the client: 203.0.113.7 -> 203.0.113.0, 2001:db8:1:2::7 -> 2001:db8:1::.

    An IP address is personal data; its network still tells an operator where the traffic comes from."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return HIDDEN if address not in ("", "-") else "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


# The development server's request line starts with the client's address (werkzeug/serving.py, `log`).
DEVELOPMENT_SERVER = "werkzeug"
CLIENT_FIRST = re.compile(r"^(\S+)( - - \[)")


def redact(text: str) -> str:
    """The text with every e-mail address, token, claim code and password replaced."""
    if MAY_HOLD_SECRET.search(text) is None:
        return text  # no rule can match: none would replace anything
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any) -> Any:
    """Strings redacted inside plain structures (the structured extras of a log call)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


# Attributes every LogRecord has; anything else was passed with `extra=`.
STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "redacted",
}


def extras(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in record.__dict__.items() if key not in STANDARD_ATTRIBUTES}


class RedactFilter(logging.Filter):
    """Rewrites the record before any handler formats it: message, exception text and extras."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False):
            return True
        text = record.getMessage()
        if record.name == DEVELOPMENT_SERVER:
            text = CLIENT_FIRST.sub(lambda m: network_of(m.group(1)) + m.group(2), text, count=1)
        record.msg, record.args = redact(text), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in extras(record).items():
            setattr(record, key, redact_value(value))
        record.redacted = True
        return True
