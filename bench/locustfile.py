"""The load scenario (locust), run by bench/load.py: three kinds of people at once on one instance.

- staff (one signed-in account per atelier): the atelier's grid as the browser uses it: the page, two
  autosaved drafts while typing, the save (form with its CSRF token), the page it leads back to;
- the public: `POST /api/v1/verify` (Data Integrity JSON, VC-JWT), `/verifier?url=` (a link, as a QR code
  gives), a badge's page;
- beneficiaries: their private page (`/mes-badges/<token>`) and one of their badges on it.

Every answer is checked (status, and the verdict for the verifier): anything else counts as an error.
bench/load.py writes the data file (BADGES_LOAD_DATA) and reads the per-kind figures this file writes when
locust quits (BADGES_LOAD_RESULT). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, events, task

DATA: dict[str, Any] = json.loads(Path(os.environ["BADGES_LOAD_DATA"]).read_text(encoding="utf-8"))
HTML = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LEVELS = ("N1", "N2", "N3", "N4")
_ateliers = itertools.count()
# Per kind (the part of a request's name before ":"): response times (ms) and errors, while measuring.
TIMES: dict[str, list[float]] = defaultdict(list)
ERRORS: Counter[str] = Counter()
WINDOW: dict[str, float] = {}


@events.request.add_listener
def record(name: str, response_time: float, exception: BaseException | None, **_: Any) -> None:
    kind = name.split(":", 1)[0]
    TIMES[kind].append(response_time)
    if exception is not None:
        ERRORS[kind] += 1


@events.test_start.add_listener
def started(**_: Any) -> None:
    WINDOW["start"] = time.monotonic()


@events.quitting.add_listener
def write_result(**_: Any) -> None:
    seconds = time.monotonic() - WINDOW.get("start", time.monotonic())
    result = {"seconds": seconds, "times": TIMES, "errors": ERRORS}
    Path(os.environ["BADGES_LOAD_RESULT"]).write_text(json.dumps(result), encoding="utf-8")


def expect(response: Any, status: int, contains: str | None = None) -> None:
    """Mark the request failed unless it answered `status` (and, if given, says `contains`)."""
    if response.status_code != status:
        response.failure(f"{response.status_code} instead of {status}")
    elif contains is not None and contains not in response.text:
        response.failure(f"answer without {contains!r}")
    else:
        response.success()


class Staff(HttpUser):
    """A médiateur entering an atelier's grid (each simulated person has an atelier of their own)."""

    fixed_count = len(DATA["staff"])
    wait_time = constant(0)

    def on_start(self) -> None:
        self.me = DATA["staff"][next(_ateliers) % len(DATA["staff"])]
        self.grid = f"/staff/ateliers/{self.me['atelier']}/grid"
        page = self.client.get("/staff/login", headers=HTML, name="sign-in:page")
        token = CSRF.search(page.text)
        form = {"email": self.me["email"], "password": self.me["password"]}
        with self.client.post(
            "/staff/login", data={**form, "csrf_token": token.group(1) if token else ""},
            allow_redirects=False, name="sign-in:post", catch_response=True,
        ) as response:  # fmt: skip
            expect(response, 303)
        self.csrf = ""

    def cells(self) -> dict[str, Any]:
        form: dict[str, Any] = {"moment": "pendant", "method": "observation", "csrf_token": self.csrf}
        for person in random.sample(self.me["people"], k=min(3, len(self.me["people"]))):
            for ref in self.me["competencies"]:
                form[f"r|{person}|{ref}"] = random.choice(LEVELS)
        form["present"] = self.me["people"]
        return form

    @task
    def enter_a_grid(self) -> None:
        with self.client.get(self.grid, headers=HTML, name="staff:grid page", catch_response=True) as page:
            expect(page, 200, "csrf_token")
            found = CSRF.search(page.text)
            self.csrf = found.group(1) if found else ""
        for _ in range(2):  # the page's autosave while typing
            with self.client.post(
                self.grid + "/draft", data=self.cells(), name="staff:draft", catch_response=True
            ) as response:
                expect(response, 204)
        with self.client.post(
            self.grid, data=self.cells(), allow_redirects=False, name="staff:save grid", catch_response=True
        ) as response:
            expect(response, 303)
            back = response.headers.get("Location", self.grid)
        with self.client.get(back, headers=HTML, name="staff:page after save", catch_response=True) as page:
            expect(page, 200, "Grille enregistrée")


class Public(HttpUser):
    """Someone checking a badge: through the API, the verifier page with a link, or the badge's page."""

    weight = 3
    wait_time = constant(0)

    @task(2)
    def verify_json(self) -> None:
        body = {"credential": random.choice(DATA["documents"])}
        with self.client.post(
            "/api/v1/verify", json=body, name="public:verify (JSON)", catch_response=True
        ) as response:
            expect(response, 200, '"valid":true')

    @task(2)
    def verify_jwt(self) -> None:
        body = {"credential": random.choice(DATA["jwts"])}
        with self.client.post(
            "/api/v1/verify", json=body, name="public:verify (VC-JWT)", catch_response=True
        ) as response:
            expect(response, 200, '"valid":true')

    @task(1)
    def verifier_with_a_link(self) -> None:
        url = random.choice(DATA["credential_urls"])
        with self.client.get(
            "/verifier", params={"url": url}, headers=HTML, name="public:/verifier?url=", catch_response=True
        ) as response:
            expect(response, 200)

    @task(2)
    def badge_page(self) -> None:
        path = random.choice(DATA["credential_paths"])
        with self.client.get(path, headers=HTML, name="public:badge page", catch_response=True) as response:
            expect(response, 200)


class Beneficiary(HttpUser):
    """A person opening their private page, then one of their badges."""

    weight = 2
    wait_time = constant(0)

    @task
    def my_badges(self) -> None:
        mine = random.choice(DATA["holders"])
        with self.client.get(
            mine["page"], headers=HTML, name="beneficiary:/mes-badges/<token>", catch_response=True
        ) as response:
            expect(response, 200)
        with self.client.get(
            mine["badge"], headers=HTML, name="beneficiary:/mes-badges/<token>/<badge>", catch_response=True
        ) as response:
            expect(response, 200)
