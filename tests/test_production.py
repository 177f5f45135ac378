"""The README's production path, live: `badges db upgrade`, then gunicorn with two workers, as subprocesses.

Slow (real processes), so marked `production`; SQLite always, PostgreSQL too when BADGES_TEST_DATABASE_URL
is set (in a database of its own, `<name>_prod`, made and dropped here).
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import Gunicorn, own_database, readme_command, run_badges, start_gunicorn

pytestmark = pytest.mark.production
TEST_DATABASE_URL = os.environ.get("BADGES_TEST_DATABASE_URL")


@dataclass
class Production:
    server: Gunicorn
    token: str
    access_log: Path

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **headers}
        request = urllib.request.Request(self.server.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")


def _accounts(env: dict[str, str]) -> str:
    """The first tiers-lieu, a staff account and its API token, the README way (the command line)."""
    run_badges(env, "issuers", "create", "--slug", "la-mine", "--name", "La Mine",
               "--url", "https://lamine.example", "--email", "contact@lamine.example")  # fmt: skip
    run_badges(env, "users", "create", "--email", "awa@lamine.example", "--name", "Awa",
               "--role", "staff", "--issuer", "la-mine")  # fmt: skip
    return run_badges(env, "users", "token", "--email", "awa@lamine.example").strip()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def production(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Production]:
    """An empty instance folder and a fresh database, then the README's commands, as written."""
    if request.param == "postgresql" and not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL: set BADGES_TEST_DATABASE_URL")
    home = tmp_path_factory.mktemp(f"production-{request.param}")
    # The README's settings; on SQLite the embedded default database, inside the instance folder.
    env = {"BADGES_INSTANCE_PATH": str(home / "instance"), "BADGES_BASE_URL": "https://badges.example.org"}
    database = own_database("prod", home) if request.param == "postgresql" else nullcontext(None)
    with database as url:
        if url:
            env["BADGES_DATABASE_URL"] = url
        run_badges(env, *readme_command("badges")[1:])  # badges db upgrade
        access_log = home / "access.log"
        with start_gunicorn(env, 2, logs=home, args=["--access-logfile", str(access_log)]) as server:
            yield Production(server=server, token=_accounts(env), access_log=access_log)


def test_readme_commands_serve_an_atelier_with_a_pix_competence(production: Production) -> None:
    status, pathway = production.call(
        "POST", "/api/v1/pathways",
        {"title": "Numérique et emploi", "type": "court", "category": "professionnalisation",
         "start_date": "2026-03-01"},
    )  # fmt: skip
    assert status == 201, pathway
    status, atelier = production.call(
        "POST", f"/api/v1/pathways/{pathway['id']}/ateliers",
        {"title": "Ma boîte mail", "held_on": "2026-03-10", "duration_minutes": 120,
         "competencies": ["pix-crcn:2.1"]},
    )  # fmt: skip
    assert status == 201, atelier


def test_parallel_writers_get_neither_500_nor_503(production: Production) -> None:
    def write(client: int) -> list[int]:
        statuses = []
        for n in range(30):
            person = {"display_name": f"Personne {client}-{n}", "consent": True, "profile": "exclu"}
            statuses.append(production.call("POST", "/api/v1/beneficiaries", person)[0])
        return statuses

    with ThreadPoolExecutor(4) as pool:
        statuses = [status for batch in pool.map(write, range(4)) for status in batch]
    assert statuses == [201] * 120, {status: statuses.count(status) for status in set(statuses)}
    assert "database is locked" not in production.server.log()


def test_access_log_names_the_routes_and_never_a_token(production: Production) -> None:
    start = production.access_log.stat().st_size  # the module's earlier tests logged there too
    status, person = production.call(
        "POST", "/api/v1/beneficiaries", {"display_name": "Karim", "consent": True}
    )
    assert status == 201, person
    status, link = production.call("GET", f"/api/v1/beneficiaries/{person['id']}/private-link")
    assert status == 200, link
    private = link["url"].removeprefix("https://badges.example.org")
    token = private.rsplit("/", 1)[1]
    others = {name: secrets.token_urlsafe(32) for name in ("share", "reset", "invitation", "code", "query")}
    paths = [
        private,
        f"{private}/not/a/page",
        f"/partage/{others['share']}",
        f"/staff/password/reset/{others['reset']}",
        f"/staff/invitation/{others['invitation']}",
        f"/code/{others['code']}",
        f"/verifier?code={others['query']}",
    ]
    for path in paths:
        production.call("GET", path, Accept="text/html", Referer=f"https://badges.example.org{private}")
    log = _access_log(
        production.access_log, start=start, lines=len(paths) + 2, last="GET /verifier?code=… HTTP/1.1"
    )
    for secret in (token, *others.values()):
        assert secret not in log
    patterns = ["/mes-badges/<token>", "/mes-badges/…", "/partage/<token>", "/staff/password/reset/<token>",
                "/staff/invitation/<token>", "/code/<code>", "/verifier?code=…"]  # fmt: skip
    for pattern in patterns:
        assert f"GET {pattern} HTTP/1.1" in log, log
    # JSON lines under gunicorn (badges/logs.py), each with the id of its request.
    for line in log.splitlines():
        entry = json.loads(line)
        assert entry["logger"] == "gunicorn.access" and len(entry["request_id"]) == 16, entry


def test_the_server_is_ready_and_passing_probes_stay_out_of_the_access_log(production: Production) -> None:
    """Both workers answer the probes (a tiers-lieu exists: its newest key decrypts in each of them)."""
    start = production.access_log.stat().st_size
    for _ in range(4):
        assert production.call("GET", "/healthz") == (200, {"status": "ok"})
        status, ready = production.call("GET", "/readyz")
        assert (status, ready["checks"]) == (
            200,
            {"database": "ok", "migrations": "ok", "keys": "ok", "queue": "ok"},
        ), ready
    production.call("GET", "/frameworks/pix-crcn")
    log = _access_log(production.access_log, start=start, lines=1)
    assert "GET /frameworks/<slug> HTTP/1.1" in log
    assert "/healthz" not in log and "/readyz" not in log


def _access_log(path: Path, *, start: int, lines: int, last: str = "") -> str:
    """What the access log got after `start` once it holds `lines` lines and `last` (each line is written
    after its response, by either worker: an earlier test's late line may come in among them)."""
    deadline = time.monotonic() + 20
    while True:
        with path.open("rb") as log:
            log.seek(start)
            found = log.read().decode("utf-8")
        if (found.count("\n") >= lines and last in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_two_workers_starting_together_on_an_empty_instance_both_start(tmp_path: Path) -> None:
    """The generated secrets race: every worker must load the app with the same complete secrets."""
    instance = tmp_path / "instance"
    with start_gunicorn({"BADGES_INSTANCE_PATH": str(instance)}, 2, logs=tmp_path) as server:
        assert server.process.poll() is None
    names = sorted(
        path.name for path in instance.iterdir() if "secret" in path.name or "passphrase" in path.name
    )
    assert names == ["key_passphrase", "link_secret", "secret_key"]
    assert all(len((instance / name).read_text()) >= 48 for name in names)
