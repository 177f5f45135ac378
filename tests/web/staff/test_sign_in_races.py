"""Sign-in under pressure: parallel wrong passwords against the live server, and a reset request whose
answer does not wait for the mail server (its time tells nothing about the account)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest

from badges import jobs
from badges.services.accounts import users
from badges.services.shared import throttling

PARALLEL = 40


def wrong_login(base: str, email: str, start: threading.Barrier, statuses: list[int]) -> None:
    """One browser: the sign-in page (cookie, CSRF token), then, with the others at once, a wrong password."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/staff/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    body = urlencode({"csrf_token": token.group(1), "email": email, "password": "pas le bon"}).encode()
    start.wait(timeout=60)
    try:
        statuses.append(opener.open(base + "/staff/login", data=body, timeout=60).status)
    except HTTPError as refused:
        statuses.append(refused.code)


def test_forty_parallel_wrong_logins_check_at_most_five_passwords(live_url, world, monkeypatch):
    checks: list[str] = []
    real = users.check_password

    def counted(user, password):
        checks.append(password)
        time.sleep(0.05)  # argon2's cost in production: the window a non-atomic limit lets others through
        return real(user, password)

    monkeypatch.setattr(users, "check_password", counted)
    start, statuses = threading.Barrier(PARALLEL), []
    email = world.users["staff"].email
    browsers = [
        threading.Thread(target=wrong_login, args=(live_url, email, start, statuses)) for _ in range(PARALLEL)
    ]
    for browser in browsers:
        browser.start()
    for browser in browsers:
        browser.join(120)
    allowed = throttling.LIMITS[throttling.LOGIN].per_email
    assert len(statuses) == PARALLEL
    assert len(checks) <= allowed, f"{len(checks)} password checks for a limit of {allowed}"
    assert statuses.count(422) == len(checks) and statuses.count(429) == PARALLEL - len(checks)


@pytest.fixture
def stalling_smtp(app, monkeypatch) -> Iterator[list[socket.socket]]:
    """An SMTP server that accepts connections and never says a word (until the test ends)."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.getsockname()[1])
    yield accepted
    server.close()
    for connection in accepted:
        connection.close()  # the pending send fails now, and is only logged
    assert jobs.wait(app)


@pytest.mark.parametrize("address", ["existing", "personne@example.org"])
def test_the_reset_answer_does_not_wait_for_the_mail_server(client, world, stalling_smtp, address):
    from tests.web.staff.conftest import post

    email = world.users["staff"].email if address == "existing" else address
    started = time.monotonic()
    response = post(client, "/staff/password/forgot", {"email": email})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 2, f"the answer took {elapsed:.1f} s: it waited for the mail server"
    if address == "existing":
        # The mail is on its way all the same: its connection is open, stalled, after the answer.
        deadline = time.monotonic() + 10
        while not stalling_smtp and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(stalling_smtp) == 1
