"""The job states as staff read them, in French (Paris time, "14 h 05") and in English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from badges.services.shared.job_records import JobState
from badges.web import job_status

AT = datetime(2026, 3, 12, 13, 5, tzinfo=UTC)  # 14:05 in Paris (UTC+1 in March before the change)


def state(name: str, *, error: str | None = None) -> JobState:
    return JobState("award-email", name, 1, AT if name == "retrying" else None, error, 0, None, AT)


@pytest.mark.parametrize(
    ("lang", "name", "said"),
    [
        ("fr", "queued", "Envoi en cours"),
        ("fr", "running", "Envoi en cours"),
        ("fr", "done", "Envoyé"),
        ("fr", "retrying", "Échec, nouvel essai à 14 h 05"),
        ("fr", "failed", "Échec définitif"),
        ("en", "queued", "Sending"),
        ("en", "done", "Sent"),
        ("en", "retrying", "Failed, trying again at 2:05\u202fPM"),
        ("en", "failed", "Failed for good"),
    ],
)
def test_each_state_is_said_in_the_readers_language(app, lang, name, said):
    with app.test_request_context(f"/?lang={lang}"):
        assert job_status.label(state(name)) == said


def test_the_reason_is_the_message_of_the_code_never_the_servers_words(app):
    with app.test_request_context("/?lang=en"):
        assert "does not answer" in (job_status.reason(state("failed", error="mail.unreachable")) or "")
        assert job_status.reason(state("done")) is None
    with app.test_request_context("/"):
        body = job_status.as_json(state("retrying", error="mail.unreachable"))
    assert body == {
        "state": "retrying",
        "attempts": 1,
        "next_attempt_at": "2026-03-12T13:05:00+00:00",
        "error": "mail.unreachable",
        "label": "Échec, nouvel essai à 14 h 05",
    }
