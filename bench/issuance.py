"""Issuance throughput: an atelier grid that issues badges by itself, then a bulk run of signed awards.

Usage: python bench/issuance.py [--count 10000] [--batch 100] [--database-url URL] [--reset]

1. A pathway of 16 beneficiaries x 12 competences evaluated through the grid service: the grid is checked,
   stored, the rules are evaluated and the 16 badges are issued in the same transaction.
2. A bulk run issuing --count credentials (OB 2.0 hosted assertion + OB 3.0 credential with its
   eddsa-rdfc-2022 Data Integrity proof), committed every --batch awards, with the time split into JSON-LD
   canonicalisation (RDFC-1.0 with PyLD), Ed25519 signing, database (cursor execution and commits) and the
   rest (building documents, ORM bookkeeping).
The raw Ed25519 signing rate of `cryptography` is measured in the same run, and the ratio printed.

The database defaults to SQLite in a temporary directory; for PostgreSQL give --database-url (or
BADGES_BENCH_DATABASE_URL) of a database dedicated to the benchmark: --reset empties its public schema.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, event, text

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models import Role
from badges.services.accounts import users
from badges.services.credentials import issuance, issuers
from badges.services.credentials.links import Links
from badges.services.crypto import dataintegrity
from badges.services.crypto.keyring import Keyring
from badges.services.programme import (
    badge_classes,
    beneficiaries,
    evaluation,
    framework_io,
    frameworks,
    pathways,
)
from badges.services.programme.awarding import Issuing

PEOPLE, COMPETENCES = 16, 12


@dataclass
class Timer:
    """Seconds spent in the instrumented phases."""

    spent: dict[str, float] = field(
        default_factory=lambda: {"canonicalisation": 0.0, "signing": 0.0, "db": 0.0}
    )

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[phase] += time.perf_counter() - start

        return timed

    def reset(self) -> None:
        self.spent = {name: 0.0 for name in self.spent}


def instrument(engine: Any, keyring: Keyring, timer: Timer) -> None:
    dataintegrity.canonicalize = timer.wrap("canonicalisation", dataintegrity.canonicalize)  # type: ignore[attr-defined]
    keyring.sign = timer.wrap("signing", keyring.sign)  # type: ignore[method-assign]

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_start"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        timer.spent["db"] += time.perf_counter() - conn.info.pop("bench_start")


def raw_ed25519_rate(seconds: float = 2.0) -> float:
    """Signatures per second of `cryptography` alone, on 64-byte messages (what a proof signs)."""
    key, message, done = Ed25519PrivateKey.generate(), os.urandom(64), 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        key.sign(message)
        done += 1
    return done / (time.perf_counter() - start)


def setup(session: Any, keyring: Keyring, links: Links, now: datetime) -> tuple[Any, Any]:
    framework_io.load_defaults(session)
    issuer_data = {
        "slug": "bench",
        "name": "Banc d'essai",
        "url": "https://bench.example",
        "email": "b@b.example",
    }
    issuer = issuers.create_issuer(session, keyring, data=issuer_data, links=links, now=now)
    badge = badge_classes.create_badge_class(
        session,
        issuer=issuer,
        data={"name": "Échanger par e-mail", "description": "Je sais envoyer un e-mail.", "level": "N2",
              "competencies": ["pix-crcn:2.1", "digcomp:2.1"]},
        now=now,
    )  # fmt: skip
    session.commit()
    return issuer, badge


def grid_setup(session: Any, issuer: Any, now: datetime) -> tuple[Any, Any, list[Any], list[str]]:
    """A staff member, a pathway with one atelier on 12 Pix competences, a class whose rule needs all 12."""
    refs = [f"pix-crcn:{c.code}" for c in frameworks.latest(session, "pix-crcn").competencies[:COMPETENCES]]
    staff = users.create_user(
        session,
        email="m@bench.example",
        name="Médiatrice",
        role=Role.STAFF,
        issuer=issuer,
        password=None,
        now=now,
    )
    pathway_data = {"title": "Parcours", "type": "long", "category": "professionnalisation",
                    "start_date": "2026-01-05", "end_date": "2026-06-30"}  # fmt: skip
    pathway = pathways.create_pathway(session, issuer=issuer, data=pathway_data, now=now)
    atelier = pathways.create_atelier(
        session, pathway=pathway, now=now,
        data={"title": "Bilan", "held_on": "2026-03-10", "duration_minutes": 180, "competencies": refs},
    )  # fmt: skip
    badge_classes.create_badge_class(
        session, issuer=issuer, now=now,
        data={"name": "Compétences numériques", "description": "Douze compétences.", "level": "N2",
              "competencies": refs, "rule": [{"type": "competences_acquired"}]},
    )  # fmt: skip
    people = []
    for n in range(PEOPLE):
        data = {"display_name": f"G{n}", "consent": True}
        people.append(beneficiaries.create_beneficiary(session, issuer=issuer, data=data, now=now))
    session.flush()
    for person in people:
        pathways.enrol(session, pathway=pathway, beneficiary=person, now=now)
    session.commit()
    return staff, atelier, people, refs


def grid_run(session: Any, keyring: Keyring, links: Links, issuer: Any, now: datetime, timer: Timer) -> None:
    """16 beneficiaries x 12 competences through the grid service; the rule then issues 16 badges."""
    staff, atelier, people, refs = grid_setup(session, issuer, now)
    cells = [{"beneficiary": p.public_id, "competency": r, "result": "N2"} for p in people for r in refs]
    timer.reset()
    start = time.perf_counter()
    _, outcome = evaluation.record_grid(
        session, Issuing(keyring, links, now), atelier=atelier, evaluator=staff,
        data={"moment": "apres", "method": "observation", "results": cells},
    )  # fmt: skip
    session.commit()
    elapsed = time.perf_counter() - start
    print(f"grid: {PEOPLE} beneficiaries x {COMPETENCES} competences = {len(cells)} evaluations, "
          f"{len(outcome.issued)} badges issued, in {elapsed:.3f} s (one transaction)")  # fmt: skip
    report_phases(elapsed, timer)


def bulk_run(
    session: Any, keyring: Keyring, links: Links, issuer: Any, badge: Any, args: Any, timer: Timer
) -> float:
    now = datetime.now(UTC)
    start = time.perf_counter()
    people = []
    for n in range(args.count):
        data = {"display_name": f"P{n}", "email": f"p{n}@example.org", "consent": True}
        people.append(beneficiaries.create_beneficiary(session, issuer=issuer, data=data, now=now))
        if n % 1000 == 999:
            session.flush()
    session.commit()
    print(f"\nbulk: {args.count} beneficiaries created in {time.perf_counter() - start:.1f} s (not counted)")
    timer.reset()
    start = time.perf_counter()
    for n, person in enumerate(people, 1):
        issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
        if n % args.batch == 0:
            session.commit()
    session.commit()
    elapsed = time.perf_counter() - start
    rate = args.count / elapsed
    print(f"bulk: {args.count} credentials (both versions, Data Integrity signed) in {elapsed:.1f} s: "
          f"{rate:.0f} credentials/s, commit every {args.batch}")  # fmt: skip
    report_phases(elapsed, timer)
    return rate


def report_phases(elapsed: float, timer: Timer) -> None:
    rest = elapsed - sum(timer.spent.values())
    for label, spent in [
        ("JSON-LD canonicalisation (RDFC-1.0, PyLD)", timer.spent["canonicalisation"]),
        ("Ed25519 signing (keyring)", timer.spent["signing"]),
        ("database (cursor execute)", timer.spent["db"]),
        ("other (documents, ORM, validation)", rest),
    ]:
        print(f"  {label:44s} {spent:8.2f} s  {100 * spent / elapsed:5.1f} %")


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--database-url", default=os.environ.get("BADGES_BENCH_DATABASE_URL"))
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database's public schema")
    parser.add_argument(
        "--profile", action="store_true", help="also print the bulk run's top functions (cProfile)"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-issuance-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgresql") and args.reset:
        reset_postgres(url)
    app = create_app({"DATABASE_URL": url, "KEYS_DIR": str(tmp / "keys"), "KEY_PASSPHRASE": "bench",
                      "SECRET_KEY": "bench"})  # fmt: skip
    with app.app_context():
        upgrade_schema(app)
        session, links, now = get_session(), Links(app.config["BASE_URL"]), datetime.now(UTC)
        keyring, timer = Keyring(tmp / "keys", b"bench"), Timer()
        issuer, badge = setup(session, keyring, links, now)
        instrument(engine_of(app), keyring, timer)
        print(f"database: {url.split(':')[0]}; {os.cpu_count()} cores; one process\n")
        grid_run(session, keyring, links, issuer, now, timer)
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        rate = bulk_run(session, keyring, links, issuer, badge, args, timer)
        if profiler is not None:
            profiler.disable()
            print("\ntop functions of the bulk run (cProfile, cumulative; timings inflated by profiling):")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        raw = raw_ed25519_rate()
        print(f"\nraw Ed25519 signing (cryptography, 64-byte messages): {raw:.0f} signatures/s")
        print(f"ratio credentials/s to raw signatures/s: {rate / raw:.4f} (1 signature per credential)")


if __name__ == "__main__":
    main()
