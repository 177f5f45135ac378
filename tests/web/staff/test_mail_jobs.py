"""Fault: the mail server is down when a badge is e-mailed. The award stays saved, the e-mail job fails
and is retried (the staff page says when, in Paris time), and once the aiosmtpd server is back exactly
one e-mail arrives. The suite's worker is a real huey consumer thread; tests/jobs/test_worker_process.py
runs the same fault with `badges worker` in its own process."""

from __future__ import annotations

import re
import time
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from badges import jobs
from badges.models import Credential, Job
from tests.mailbox import Mailbox, free_port
from tests.web.staff.conftest import post, text

PARIS = ZoneInfo("Europe/Paris")


def award_url(world, suffix=""):
    return f"/staff/awards/{world.award.public_id}{suffix}"


def wait_for(session, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.rollback()  # a fresh snapshot each time
        job = session.query(Job).filter_by(kind="award-email").one_or_none()
        if job is not None and predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError("the job never reached the expected state")


def test_smtp_down_the_award_is_kept_the_email_retried_and_sent_once(app, staff, world, session, monkeypatch):
    port = free_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)  # nothing listens there yet
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 1.0)
    response = post(staff, award_url(world, "/send"), follow_redirects=True)
    assert "L'envoi du badge à awa@example.org est en cours" in text(response)

    failed = wait_for(session, lambda job: job.state == "retrying")
    assert failed.last_error == "mail.unreachable" and failed.attempts >= 1
    assert session.get(Credential, world.award.id) is not None  # the award is saved all the same
    page = text(staff.get(award_url(world)))
    shown = re.search(r"E-mail du badge : Échec, nouvel essai à (\d{1,2}) h (\d\d)", page)
    assert shown, page
    assert "le serveur d'e-mail ne répond pas" in page

    box = Mailbox("127.0.0.1", port)
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    try:
        done = wait_for(session, lambda job: job.state == "done", timeout=30)
        assert jobs.wait(app)
        time.sleep(0.5)  # a second e-mail would have had the time to arrive
    finally:
        server.stop()
    assert len(box.received) == 1 and box.received[0]["To"] == "awa@example.org"
    assert done.attempts >= 2 and done.last_error is None
    assert "E-mail du badge : Envoyé" in text(staff.get(award_url(world)))


def test_the_retry_time_is_said_in_paris_time(app, staff, world, session, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 3600)
    post(staff, award_url(world, "/send"))
    job = wait_for(session, lambda job: job.state == "retrying")
    assert job.next_attempt_at is not None
    paris = job.next_attempt_at.astimezone(PARIS)
    assert f"Échec, nouvel essai à {paris.hour} h {paris.minute:02d}" in text(staff.get(award_url(world)))


def test_a_second_click_while_sending_queues_no_second_email(app, staff, world, session, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    monkeypatch.setitem(app.config, "JOB_RETRY_DELAY", 3600)
    post(staff, award_url(world, "/send"))
    wait_for(session, lambda job: job.state == "retrying")
    post(staff, award_url(world, "/send"))
    session.rollback()
    assert session.query(Job).filter_by(kind="award-email").count() == 1
