"""Load, measured: the service under gunicorn on PostgreSQL, three kinds of people at once (locust).

Usage: python bench/load.py [--database-url URL] [--seconds 60] [--users 24] [--workers 2] [--staff 4]
       [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Without --database-url, a database `badges_load_<pid>` is made on the admin URL's server for the run and
dropped after. The script prepares an instance (a tiers-lieu, one staff account and atelier per --staff,
beneficiaries enrolled, badges issued, private links), starts `badges serve --workers N` (gunicorn) on a
free port, a job-queue worker beside it when this version has one (`badges worker`), then runs
bench/locustfile.py headless for --seconds with --users simulated people (the staff accounts, then the
public and beneficiaries 3:2), with no think time: the figures are what the server sustains.
Prints requests per second, errors, p50 and p95 per kind of person. Figures only: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Role
from badges.services.accounts import users
from badges.services.credentials import issuance
from badges.services.credentials.links import Links
from badges.services.holders import private_link
from badges.web.context import keyring

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
from tests.factories import (  # noqa: E402  (the suite's factories build valid data through the services)
    enrol,
    make_atelier,
    make_badge_class,
    make_beneficiary,
    make_issuer,
    make_pathway,
    make_rule_badge_class,
)

BIN = Path(sys.executable).parent
SECRETS = {"BADGES_KEY_PASSPHRASE": "load", "BADGES_SECRET_KEY": "load", "BADGES_LINK_SECRET": "load"}
PASSWORD = "charge mesurée 2026"
PEOPLE_PER_ATELIER = 8
HOLDERS = 24
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(given: str | None, admin_url: str) -> Iterator[str]:
    """The given database, or one made for the run (dropped after)."""
    if given:
        yield given
        return
    name = f"badges_load_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(env: dict[str, str], staff_count: int) -> dict[str, Any]:
    """The instance's data, through the services; what the locustfile needs to find it."""
    app = create_app({"DATABASE_URL": env["BADGES_DATABASE_URL"], "KEYS_DIR": env["BADGES_KEYS_DIR"],
                      "BASE_URL": env["BADGES_BASE_URL"], "KEY_PASSPHRASE": "load", "SECRET_KEY": "load",
                      "LINK_SECRET": "load"})  # fmt: skip
    links = Links(env["BADGES_BASE_URL"])
    with app.app_context():
        upgrade_schema(app)
        session, ring = get_session(), keyring()
        issuer = make_issuer(session, ring, links, NOW, name="Tiers-lieu sous charge")
        make_rule_badge_class(session, issuer, NOW)  # the grids issue it when D-06 and D-07 are acquired
        staff = [_atelier(session, issuer, number) for number in range(staff_count)]
        badge = make_badge_class(session, issuer, NOW)
        holders, credentials = [], []
        for number in range(HOLDERS):
            person = make_beneficiary(session, issuer, NOW, display_name=f"Personne {number}", email=None)
            credential = issuance.award(
                session, ring, badge_class=badge, beneficiary=person, links=links, now=NOW
            )
            token = private_link.private_token(session, beneficiary=person, secret=b"load", now=NOW)
            holders.append(
                {"page": f"/mes-badges/{token}", "badge": f"/mes-badges/{token}/{credential.public_id}"}
            )
            credentials.append(credential.public_id)
        session.commit()
    engine_of(app).dispose()
    return {"staff": staff, "holders": holders, "credentials": credentials}


def _atelier(session: Any, issuer: Any, number: int) -> dict[str, Any]:
    """A staff account with its own pathway, atelier and enrolled beneficiaries."""
    user = users.create_user(session, email=f"mediateur{number}@charge.example", name=f"Médiateur {number}",
                             role=Role.STAFF, issuer=issuer, password=PASSWORD, now=NOW)  # fmt: skip
    pathway = make_pathway(session, issuer, NOW)
    atelier = make_atelier(session, pathway, NOW)
    people = [
        make_beneficiary(session, issuer, NOW, display_name=f"Atelier {number} n°{n}", email=None)
        for n in range(PEOPLE_PER_ATELIER)
    ]
    enrol(session, pathway, NOW, *people)
    return {"email": user.email, "password": PASSWORD, "atelier": atelier.public_id,
            "people": [p.public_id for p in people],
            "competencies": ["parcours-decouverte:D-06", "parcours-decouverte:D-07"]}  # fmt: skip


def fetch(url: str, accept: str = "application/json") -> bytes:
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Accept": accept}), timeout=60
    ) as answer:
        return bytes(answer.read())


def documents(base: str, data: dict[str, Any]) -> dict[str, Any]:
    """The verifiers' inputs, as people hold them: the OB 3.0 JSON (Data Integrity), the VC-JWT, a link."""
    paths = [f"/credentials/{public_id}" for public_id in data["credentials"]]
    return {
        **data,
        "credential_paths": paths,
        "credential_urls": [base + path for path in paths],
        "documents": [json.loads(fetch(base + path)) for path in paths],
        "jwts": [fetch(base + path + "/download/ob3.jwt").decode().strip() for path in paths],
    }


@contextmanager
def started(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, f"badges serve stopped:\n{log.read_text()}"
        try:
            fetch(base + "/readyz")
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"badges serve not ready:\n{log.read_text()}")


@contextmanager
def job_worker(env: dict[str, str], folder: Path) -> Iterator[str]:
    """The job-queue worker beside gunicorn, when this version has one (`badges worker`, issue 18)."""
    probe = subprocess.run([str(BIN / "badges"), "worker", "--help"], cwd=ROOT, env=env, capture_output=True,
                           check=False, timeout=120)  # fmt: skip
    if probe.returncode != 0:
        yield "none: this version has no `badges worker` (e-mail is still sent from the web request)"
        return
    with started([str(BIN / "badges"), "worker"], env, folder / "worker.log"):
        yield "`badges worker`, started beside gunicorn"


def run_locust(base: str, args: argparse.Namespace, data_file: Path, folder: Path) -> dict[str, Any]:
    result = folder / "result.json"
    env = {**os.environ, "BADGES_LOAD_DATA": str(data_file), "BADGES_LOAD_RESULT": str(result)}
    command = [str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless", "--host", base,
               "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s", "--only-summary",
               "--stop-timeout", "30", "--csv", str(folder / "locust")]  # fmt: skip
    print("$ locust", " ".join(command[1:]).replace(str(BENCH) + "/", "bench/"), flush=True)
    with (folder / "locust.log").open("wb") as log:
        subprocess.run(command, env=env, check=False, stdout=log, stderr=subprocess.STDOUT)
    return dict(json.loads(result.read_text()))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(result: dict[str, Any], server_log: str, args: argparse.Namespace, worker: str) -> None:
    seconds = result["seconds"]
    times, errors = result["times"], result["errors"]
    total = sum(len(values) for kind, values in times.items() if kind != "sign-in")
    failed = sum(count for kind, count in errors.items() if kind != "sign-in")
    print(f"gunicorn: {args.workers} sync workers; PostgreSQL; job worker: {worker}")
    print(f"{args.users} simulated people for {seconds:.0f} s (no think time), {args.staff} of them staff")
    print(f"{'kind':<12} {'requests':>9} {'req/s':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in ("staff", "public", "beneficiary", "sign-in"):
        values = times.get(kind, [])
        print(f"{kind:<12} {len(values):>9} {len(values) / seconds:>8.1f} {errors.get(kind, 0):>7} "
              f"{percentile(values, 0.5):>8.0f} {percentile(values, 0.95):>8.0f}")  # fmt: skip
    print(f"{'all':<12} {total:>9} {total / seconds:>8.1f} {failed:>7}")
    answered = {status: server_log.count(f'" {status} ') for status in (500, 503)}
    print(f"server: {answered[500]} answers 500, {answered[503]} answers 503")
    print("zero errors" if failed == 0 else f"ERRORS: {failed} (see the locust log)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a database made for the run)")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--staff", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="badges-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        with database(args.database_url, args.admin_url) as url:
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("BADGES_")}, **SECRETS,
                   "BADGES_DATABASE_URL": url, "BADGES_BASE_URL": base,
                   "BADGES_KEYS_DIR": str(folder / "keys"),
                   "BADGES_INSTANCE_PATH": str(folder / "instance")}  # fmt: skip
            print("preparing the instance…", flush=True)
            data = prepare(env, args.staff)
            serve = [str(BIN / "badges"), "serve", "--workers", str(args.workers), "--port", str(port)]
            server_log = folder / "serve.log"
            with started(serve, env, server_log) as server, job_worker(env, folder) as worker:
                wait_ready(base, server, server_log)
                data_file = folder / "data.json"
                data_file.write_text(json.dumps(documents(base, data)), encoding="utf-8")
                result = run_locust(base, args, data_file, folder)
            report(result, server_log.read_text(errors="replace"), args, worker)
    finally:
        print(f"logs: {folder}")
        shutil.rmtree(folder / "keys", ignore_errors=True)


if __name__ == "__main__":
    main()
