"""Scale on PostgreSQL (issue 17): the same measures on a network of 1,000 and of 100,000 credentials.

Usage: python bench/scale.py [--small URL] [--large URL] [--runs 200] [--year 2025]

Both databases are filled beforehand by bench/generate.py (see its docstring for what is truly signed):
  python bench/generate.py --reset --credentials 1000 --database-url .../h_scale_1k
  python bench/generate.py --reset --credentials 100000 --database-url .../h_scale_100k
For each, it prints:
* verification latency (median and p95 in ms) and SQL statements per verification, through the service
  (`verification.verify_value` with a fresh LocalSource and reader, as a web request does), for the own
  VC-JWT, the signed OB 2.0 assertion and the OB 3.0 credential with its Data Integrity proof: targets,
  flat from 1k to 100k;
* the key figures of a calendar year for the whole network (reporting/figures.py, a coordinator's view):
  target < 1 s at 100k;
* revoking a badge of the largest tiers-lieu, then re-signing its 131,072-entry status list (the list alone,
  then the whole revocation), rolled back after each run: target < 0.5 s.
Statements are counted with a SQLAlchemy `before_cursor_execute` listener, plus the reader's own (run on
the DB-API connection, services/shared/rows.py); CPU per call adds this process's and the PostgreSQL
backends' (read in /proc), the cost of a call on a machine shared with other work. The sizes are
measured alternately (--rounds), each figure kept from its best round. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from generate import PASSPHRASE, app_for, keys_dir_for
from sqlalchemy import event, func, select

from badges.db import engine_of, get_session
from badges.models import Credential, StatusList
from badges.services import verification
from badges.services.credentials import revocation, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.reporting import figures, scope
from badges.services.shared.rows import PooledRows
from badges.services.verification.sources import LocalSource

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
FORMATS = ("vc-jwt", "ob2-jws", "ob3-data-integrity")


class Counter:
    """SQL statements sent on an engine, and the CPU time of the PostgreSQL backends that ran them."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self.backends: set[int] = set()
        event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, connection: Any, *_args: Any) -> None:
        self.count += 1
        self._backend(connection.connection.dbapi_connection)

    def read(self, rows: PooledRows) -> None:
        """The statements of a request's reader (on the DB-API connection: no SQLAlchemy event sees them)."""
        self.count += len(rows.statements)
        if rows.statements:
            self._backend(rows.connection().driver_connection)

    def _backend(self, dbapi_connection: Any) -> None:
        info = getattr(dbapi_connection, "info", None)
        if info is not None and hasattr(info, "backend_pid"):
            self.backends.add(info.backend_pid)

    def server_cpu(self) -> float:
        """Seconds of CPU the backends used so far (/proc: the server runs on this machine)."""
        total = 0
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")


def timed(run: Callable[[], Any], counter: Counter, runs: int) -> dict[str, float]:
    """Median and p95 latency (ms), statements per call and CPU per call (ms, this process and the
    database server: what the call costs when the machine is shared; wall times suffer from other load)."""
    spent, statements = [], []
    cpu_start, server_start = time.process_time(), counter.server_cpu()
    for _ in range(runs):
        counter.count = 0
        start = time.perf_counter()
        run()
        spent.append((time.perf_counter() - start) * 1000)
        statements.append(counter.count)
    cpu = time.process_time() - cpu_start + counter.server_cpu() - server_start
    spent.sort()
    return {
        "median": statistics.median(spent),
        "p95": spent[min(len(spent) - 1, int(len(spent) * 0.95))],
        "queries": statistics.mean(statements),
        "cpu": cpu * 1000 / runs,
    }


def verification_inputs(session: Any) -> dict[str, list[Any]]:
    """The truly signed credentials (the generator signed their VC-JWT and OB 2.0 JWS)."""
    signed = list(session.scalars(select(Credential).where(Credential.ob3_jwt.is_not(None))))
    return {
        "vc-jwt": [c.ob3_jwt for c in signed],
        "ob2-jws": [c.ob2_signed for c in signed],
        "ob3-data-integrity": [json.loads(c.ob3_credential) for c in signed],
    }


def verifier(
    session: Any, links: Links, values: list[Any], now: datetime, counter: Counter
) -> Callable[[], None]:
    """One verification per call, cycling through `values`, with the reader and the session of a web
    request (api/verify.py), both ended after it."""
    cycle = itertools.cycle(values)
    engine = session.get_bind()

    def run() -> None:
        rows = PooledRows(engine)
        try:
            source = LocalSource(session, links, reader=lambda: rows)
            report = verification.verify_value(next(cycle), source=source, now=now)
            counter.read(rows)
        finally:
            rows.close()
            session.rollback()  # nothing stays in the identity map from one call to the next
        if not report.valid and report.to_dict().get("status") != "revoked":
            raise SystemExit(f"verification failed: {report.to_dict()}")

    return run


def verify_figures(session: Any, links: Links, counter: Counter, runs: int) -> dict[str, dict[str, float]]:
    now = datetime.now(UTC)
    found = {}
    for name, values in verification_inputs(session).items():
        run = verifier(session, links, values, now, counter)
        run()  # warm-up: contexts, key objects
        found[name] = timed(run, counter, runs)
    return found


def figures_figures(session: Any, counter: Counter, year: int) -> dict[str, float]:
    period = scope.Period(date(year, 1, 1), date(year, 12, 31))
    result: dict[str, Any] = {}

    def run() -> None:
        result["totals"] = figures.key_figures(session, period=period, filters=scope.Filters())["totals"]
        session.rollback()

    found = timed(run, counter, 3)
    found["badges_issued"] = result["totals"]["badges_issued"]
    found["participant_hours"] = result["totals"]["participant_hours"]
    return found


def largest_list(session: Any) -> StatusList:
    counts = (
        select(Credential.status_list_id, func.count())
        .group_by(Credential.status_list_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    list_id = session.execute(counts).first()[0]
    found = session.get(StatusList, list_id)
    assert found is not None
    return found


def resign_figures(session: Any, keyring: Keyring, links: Links, counter: Counter) -> dict[str, Any]:
    status_list = largest_list(session)
    used = session.scalar(select(func.count()).where(Credential.status_list_id == status_list.id))
    victims = list(
        session.scalars(
            select(Credential)
            .where(Credential.status_list_id == status_list.id, Credential.revoked_at.is_(None))
            .limit(7)
        )
    )
    now = datetime.now(UTC)
    position = iter(range(10**9))

    def sign_only() -> None:
        status_lists.sign_list(session, keyring, status_list=status_list, links=links, now=now)
        session.rollback()

    def revoke() -> None:
        victim = session.merge(victims[next(position) % len(victims)])
        revocation.revoke(
            session, keyring, credential=victim, reason="Erreur de saisie.", links=links, now=now
        )
        session.rollback()

    sign_only()  # warm-up
    return {
        "list": (status_list.size, used, len(status_lists.revoked_indexes(session, status_list))),
        "sign_list": timed(sign_only, counter, 7),
        "revoke": timed(revoke, counter, 7),
    }


def measure(url: str, runs: int, year: int) -> dict[str, Any]:
    keys_dir = keys_dir_for(url)
    app = app_for(url, keys_dir)
    with app.app_context():
        session, links = get_session(), Links(app.config["BASE_URL"])
        counter = Counter(engine_of(app))
        keyring = Keyring(keys_dir, PASSPHRASE)
        total = session.scalar(select(func.count()).select_from(Credential))
        return {
            "credentials": total,
            "verify": verify_figures(session, links, counter, runs),
            "figures": figures_figures(session, counter, year),
            "resign": resign_figures(session, keyring, links, counter),
        }


def show(small: dict[str, Any], large: dict[str, Any], year: int) -> None:
    print(f"credentials in the database: {small['credentials']:,d} vs {large['credentials']:,d}\n")
    print(f"{'measure':44s} {'small':>16s} {'large':>16s} {'large/small':>12s}")

    def row(label: str, a: float, b: float, unit: str) -> None:
        ratio = f"{b / a:12.2f}" if a else "           -"
        print(f"{label:44s} {a:13.2f} {unit:2s} {b:13.2f} {unit:2s} {ratio}")

    for name in FORMATS:
        s, b = small["verify"][name], large["verify"][name]
        row(f"verify {name}: median", s["median"], b["median"], "ms")
        row(f"verify {name}: p95", s["p95"], b["p95"], "ms")
        row(f"verify {name}: CPU (client + server)", s["cpu"], b["cpu"], "ms")
        row(f"verify {name}: SQL statements", s["queries"], b["queries"], "")
    s, b = small["figures"], large["figures"]
    row(f"key figures {year}, whole network (target < 1 s)", s["median"], b["median"], "ms")
    row("key figures: CPU (client + server)", s["cpu"], b["cpu"], "ms")
    row("key figures: SQL statements", s["queries"], b["queries"], "")
    row("key figures: badges issued in the year", s["badges_issued"], b["badges_issued"], "")
    for name, label in (("sign_list", "re-sign the list alone"), ("revoke", "revoke + re-sign (< 0.5 s)")):
        s, b = small["resign"][name], large["resign"][name]
        row(f"{label}: median", s["median"], b["median"], "ms")
        row(f"{label}: CPU (client + server)", s["cpu"], b["cpu"], "ms")
        row(f"{label}: SQL statements", s["queries"], b["queries"], "")
    for which, found in (("small", small), ("large", large)):
        size, used, revoked = found["resign"]["list"]
        print(f"largest list ({which}): {size:,d} entries, {used:,d} used, {revoked:,d} revoked")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", default=BASE + "h_scale_1k")
    parser.add_argument("--large", default=BASE + "h_scale_100k")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=2, help="small then large, this many times")
    args = parser.parse_args()
    small: dict[str, Any] = {}
    large: dict[str, Any] = {}
    for _ in range(args.rounds):  # alternated, so both sizes see the same load on a shared machine
        small = best(small, measure(args.small, args.runs, args.year))
        large = best(large, measure(args.large, args.runs, args.year))
    show(small, large, args.year)


def best(kept: Any, new: Any) -> Any:
    """Of two rounds, each figure from the round with the lower median."""
    if not kept:
        return new
    if isinstance(new, dict) and "median" in new:
        return new if new["median"] < kept["median"] else kept
    if isinstance(new, dict):
        return {name: best(kept[name], value) for name, value in new.items()}
    return new


if __name__ == "__main__":
    main()
