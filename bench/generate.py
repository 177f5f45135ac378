"""A realistic network in a database, fast: tiers-lieux across departments, their badge classes, pathways,
ateliers, beneficiaries, evaluations and N credentials (issue 17, "Scale on PostgreSQL").

Usage: python bench/generate.py --database-url URL [--credentials 100000] [--signed 5] [--reset]
       [--keys-dir DIR]

Shape (seeded, reproducible): one tiers-lieu per 2,500 credentials (4 to 40), in 12 departments, sized
unevenly (the largest holds about a sixth: 16,542 of 100,000, on one status list); 6 badge classes each;
one beneficiary per 3 credentials, enrolled in a pathway of 10 people with 6 ateliers of 8 present on
average, evaluated on 4 competences before and after; pathways, ateliers, evaluations and awards spread
over 2023-2026; 3 % of the credentials revoked.

Honesty note: `--signed` credentials per tiers-lieu are truly issued by the service (OB 2.0 assertion, OB 3.0
credential with its Data Integrity proof, then the VC-JWT and signed OB 2.0 assertion); they are the ones
bench/scale.py verifies. Every other credential is a bulk-inserted copy of its tiers-lieu's first signed
credential with its own public id, status index, dates and revocation: the rows have the real size and the
real indexed columns, but their proofs do not verify (nobody verifies them). Every status list is then
really re-signed by the service from its revoked set.

The service functions create issuers (with keys), frameworks and badge classes; everything else goes in
with multi-row INSERTs. Keys live in --keys-dir (default /tmp/badges-scale/<database name>/keys, passphrase
"bench"), where bench/scale.py finds them.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

from badges import create_app
from badges.db import get_session, upgrade_schema
from badges.models import (
    Atelier,
    Attendance,
    BadgeClass,
    BadgeRevision,
    Beneficiary,
    Competency,
    Credential,
    Enrolment,
    Evaluation,
    Framework,
    Issuer,
    Pathway,
    StatusList,
)
from badges.models.status import STATUS_LIST_SIZE
from badges.services.credentials import formats, issuance, issuers, status_lists
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from badges.services.programme import badge_classes, framework_io
from badges.services.programme.pathways import CATEGORIES, TYPES
from badges.services.shared.profiles import PROFILES

DEPARTMENTS = ("01", "13", "29", "31", "33", "35", "44", "59", "69", "75", "93", "974")
FIRST_DAY, DAYS = date(2023, 1, 1), 4 * 365
CLASSES_PER_ISSUER, PATHWAY_SIZE, ATELIERS_PER_PATHWAY, PASSPHRASE = 6, 10, 6, b"bench"
BATCH = 5_000


def keys_dir_for(url: str) -> Path:
    return Path("/tmp/badges-scale") / url.rsplit("/", 1)[-1] / "keys"


def app_for(url: str, keys_dir: Path) -> Any:
    return create_app(
        {"DATABASE_URL": url, "KEYS_DIR": str(keys_dir), "KEY_PASSPHRASE": "bench", "SECRET_KEY": "bench"}
    )


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def issuer_sizes(credentials: int, rng: random.Random) -> list[int]:
    """Credentials per tiers-lieu: uneven (weights 1/rank^0.8), the largest on one list of 131,072."""
    count = min(40, max(4, credentials // 2500))
    weights = [1 / (rank**0.8) for rank in range(1, count + 1)]
    sizes = [int(credentials * w / sum(weights)) for w in weights]
    sizes[-1] += credentials - sum(sizes)
    assert max(sizes) < STATUS_LIST_SIZE // 2, "a tiers-lieu would fill its status list"
    return sizes


def create_issuers(session: Session, keyring: Keyring, links: Links, sizes: list[int]) -> list[Issuer]:
    now = at(FIRST_DAY)
    refs = [
        f"{framework.slug}:{competency.code}"
        for competency, framework in session.execute(
            select(Competency, Framework).join(Framework).where(Framework.kind == "reference")
        )
    ][: CLASSES_PER_ISSUER * 2]
    found = []
    for n, _size in enumerate(sizes):
        data = {
            "slug": f"tl-{n:02d}",
            "name": f"Tiers-lieu {n:02d}",
            "url": f"https://tl{n:02d}.example",
            "email": f"contact@tl{n:02d}.example",
            "department": DEPARTMENTS[n % len(DEPARTMENTS)],
        }
        issuer = issuers.create_issuer(session, keyring, data=data, links=links, now=now)
        for c in range(CLASSES_PER_ISSUER):
            badge = {
                "name": f"Badge {c + 1}",
                "description": "Je sais faire.",
                "level": f"N{c % 4 + 1}",
                "criteria_narrative": "Avoir montré.",
                "competencies": refs[2 * c : 2 * c + 2],
            }
            badge_classes.create_badge_class(session, issuer=issuer, data=badge, now=now)
        found.append(issuer)
    session.flush()
    return found


class Network:
    """Rows built in memory for one tiers-lieu, then inserted in bulk (ids chosen here, no RETURNING)."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.next_id: dict[str, int] = {}
        self.competencies = list(
            session.execute(
                select(Competency.id, Competency.level).join(Framework).where(Framework.kind == "profile")
            )
        )

    def ids(self, model: Any, count: int) -> range:
        first = self.next_id.get(model.__tablename__)
        if first is None:
            first = (self.session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0) + 1
        self.next_id[model.__tablename__] = first + count
        return range(first, first + count)

    def people(self, issuer: Issuer, count: int) -> list[dict[str, Any]]:
        rows = []
        for pid in self.ids(Beneficiary, count):
            rows.append(
                {
                    "id": pid,
                    "issuer_id": issuer.id,
                    "public_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                    "subject_id": f"urn:uuid:{uuid.UUID(int=self.rng.getrandbits(128), version=4)}",
                    "display_name": f"P{pid}",
                    "email": f"p{pid}@example.org",
                    "profile": self.rng.choice((*PROFILES, None)),
                    "show_name_in_badges": False,
                    "needs_french_support": self.rng.random() < 0.2,
                    "consent_at": at(FIRST_DAY),
                    "created_at": at(FIRST_DAY),
                }
            )
        bulk(self.session, Beneficiary, rows)
        return rows

    def pathways(self, issuer: Issuer, people: list[dict[str, Any]]) -> dict[int, date]:
        """Pathways of 10 people with their ateliers, attendances and evaluations; person id -> end date."""
        groups = [people[i : i + PATHWAY_SIZE] for i in range(0, len(people), PATHWAY_SIZE)]
        ends: dict[int, date] = {}
        rows: dict[Any, list[dict[str, Any]]] = {
            m: [] for m in (Pathway, Enrolment, Atelier, Attendance, Evaluation)
        }
        for pathway_id, group in zip(self.ids(Pathway, len(groups)), groups, strict=True):
            start = FIRST_DAY + timedelta(days=self.rng.randrange(DAYS - 120))
            end = start + timedelta(days=self.rng.choice((30, 60, 90, 120)))
            rows[Pathway].append(
                {
                    "id": pathway_id,
                    "issuer_id": issuer.id,
                    "title": f"Parcours {pathway_id}",
                    "type": self.rng.choice(TYPES),
                    "category": self.rng.choice(CATEGORIES),
                    "start_date": start,
                    "end_date": end,
                    "created_at": at(start),
                    "public_id": str(uuid.uuid4()),
                }
            )
            for person in group:
                ends[person["id"]] = end
                rows[Enrolment].append(
                    {"pathway_id": pathway_id, "beneficiary_id": person["id"], "enrolled_at": at(start)}
                )
            self.ateliers(pathway_id, start, end, group, rows)
            self.evaluations(pathway_id, start, end, group, rows[Evaluation])
        for model in (Pathway, Enrolment, Atelier, Attendance, Evaluation):
            bulk(self.session, model, rows[model])
        return ends

    def ateliers(
        self, pathway_id: int, start: date, end: date, group: list[dict[str, Any]], rows: Any
    ) -> None:
        span = (end - start).days
        for atelier_id in self.ids(Atelier, ATELIERS_PER_PATHWAY):
            held = start + timedelta(days=self.rng.randrange(span))
            rows[Atelier].append(
                {
                    "id": atelier_id,
                    "pathway_id": pathway_id,
                    "title": f"Atelier {atelier_id}",
                    "held_on": held,
                    "duration_minutes": self.rng.choice((90, 120, 180)),
                    "created_at": at(held),
                    "public_id": str(uuid.uuid4()),
                }
            )
            for person in group:
                present = self.rng.random() < 0.8
                rows[Attendance].append(
                    {"atelier_id": atelier_id, "beneficiary_id": person["id"], "present": present}
                )

    def evaluations(
        self, pathway_id: int, start: date, end: date, group: list[dict[str, Any]], rows: list[dict[str, Any]]
    ) -> None:
        for person in group:
            for competency_id, _level in self.rng.sample(self.competencies, 4):
                for moment, day, method in (
                    ("avant", start, "auto_evaluation"),
                    ("apres", end, "observation"),
                ):
                    rows.append(
                        {
                            "beneficiary_id": person["id"],
                            "competency_id": competency_id,
                            "pathway_id": pathway_id,
                            "moment": moment,
                            "method": method,
                            "result": f"N{self.rng.randint(1, 4)}",
                            "note": "",
                            "evaluated_at": at(day, 16),
                            "created_at": at(day, 16),
                            "public_id": str(uuid.uuid4()),
                        }
                    )

    def credentials(self, keyring: Keyring, links: Links, issuer: Issuer, size: int, signed: int) -> None:
        """`size` awards: the first `signed` issued by the service, the others copies of the first."""
        people = self.people(issuer, -(-size // 3))
        ends = self.pathways(issuer, people)
        classes = list(self.session.scalars(select(BadgeClass).where(BadgeClass.issuer_id == issuer.id)))
        status_list = status_lists.list_for(self.session, issuer)
        plan = [(people[k % len(people)], classes[k // len(people)]) for k in range(size)]
        real = [self.award(keyring, links, person, badge, ends) for person, badge in plan[:signed]]
        template = real[0]
        free = sorted(set(range(status_list.size)) - {c.status_index for c in real})
        indexes = self.rng.sample(free, size - signed)
        revision_of = {
            badge_id: revision_id
            for badge_id, revision_id in self.session.execute(
                select(BadgeRevision.badge_class_id, BadgeRevision.id).where(
                    BadgeRevision.badge_class_id.in_([c.id for c in classes])
                )
            )
        }
        rows = []
        for (person, badge), index in zip(plan[signed:], indexes, strict=True):
            rows.append(self.copy_of(template, person, badge.id, revision_of[badge.id], index, ends))
        bulk(self.session, Credential, rows)
        self.session.flush()
        status_lists.sign_list(
            self.session, keyring, status_list=status_list, links=links, now=at(FIRST_DAY + timedelta(DAYS))
        )

    def issued_on(self, person_id: int, ends: dict[int, date]) -> datetime:
        return at(ends[person_id] + timedelta(days=self.rng.randrange(15)), 17)

    def award(
        self, keyring: Keyring, links: Links, person: dict[str, Any], badge: BadgeClass, ends: dict[int, date]
    ) -> Credential:
        beneficiary = self.session.get(Beneficiary, person["id"])
        assert beneficiary is not None
        now = self.issued_on(person["id"], ends)
        credential = issuance.award(
            self.session, keyring, badge_class=badge, beneficiary=beneficiary, links=links, now=now
        )
        formats.ob3_jwt(self.session, keyring, credential=credential, links=links)
        formats.ob2_signed(self.session, keyring, credential=credential, links=links)
        self.session.flush()
        return credential

    def copy_of(
        self,
        template: Credential,
        person: dict[str, Any],
        badge_id: int,
        revision_id: int,
        index: int,
        ends: dict[int, date],
    ) -> dict[str, Any]:
        public_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        issued = self.issued_on(person["id"], ends)
        revoked = issued + timedelta(days=self.rng.randrange(1, 200)) if self.rng.random() < 0.03 else None
        assert template.ob3_credential is not None and template.ob2_assertion is not None
        return {
            "public_id": public_id,
            "issuer_id": template.issuer_id,
            "badge_class_id": badge_id,
            "revision_id": revision_id,
            "beneficiary_id": person["id"],
            "issued_at": issued,
            "awarded_at": issued,
            "valid_until": None,
            "ed25519_key_id": template.ed25519_key_id,
            "rsa_key_id": template.rsa_key_id,
            "ob2_assertion": template.ob2_assertion.replace(template.public_id, public_id),
            "ob3_credential": template.ob3_credential.replace(template.public_id, public_id),
            "ob3_hash_data": template.ob3_hash_data,
            "ob3_hash_source": template.ob3_hash_source,
            "ob2_signed": None,
            "ob3_jwt": None,
            "status_list_id": template.status_list_id,
            "status_index": index,
            "revoked_at": revoked,
            "revocation_reason": "Erreur de saisie." if revoked else None,
            "erased_at": None,
        }


def fix_sequences(session: Session) -> None:
    """Ids were chosen here: move PostgreSQL's sequences past them so the service can insert again."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in (Beneficiary, Pathway, Enrolment, Atelier, Evaluation, Credential):
        table = model.__tablename__
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        )


def generate(url: str, keys_dir: Path, credentials: int, signed: int, seed: int = 17) -> dict[str, int]:
    rng = random.Random(seed)
    app = app_for(url, keys_dir)
    with app.app_context():
        upgrade_schema(app)
        session, links = get_session(), Links(app.config["BASE_URL"])
        keyring = Keyring(keys_dir, PASSPHRASE)
        framework_io.load_defaults(session)
        sizes = issuer_sizes(credentials, rng)
        network = Network(session, rng)
        for issuer, size in zip(create_issuers(session, keyring, links, sizes), sizes, strict=True):
            network.credentials(keyring, links, issuer, size, min(signed, size))
        fix_sequences(session)
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            with session.get_bind().connect() as conn:  # type: ignore[union-attr]
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        return {
            model.__tablename__: session.scalar(select(text("count(*)")).select_from(model)) or 0
            for model in (
                Issuer,
                StatusList,
                Beneficiary,
                Pathway,
                Atelier,
                Attendance,
                Evaluation,
                Credential,
            )
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--signed", type=int, default=5, help="truly issued credentials per tiers-lieu")
    parser.add_argument("--keys-dir", type=Path, default=None)
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database's public schema")
    args = parser.parse_args()
    if args.reset and args.database_url.startswith("postgresql"):
        reset_postgres(args.database_url)
    keys_dir = args.keys_dir or keys_dir_for(args.database_url)
    start = time.perf_counter()
    counts = generate(args.database_url, keys_dir, args.credentials, args.signed)
    print(f"generated in {time.perf_counter() - start:.1f} s (keys in {keys_dir}):")
    for table, count in counts.items():
        print(f"  {table:14s} {count:>9,d}")


if __name__ == "__main__":
    main()
