"""schemathesis against the live server (the README's gunicorn): every operation of the served description,
with a staff token, a coordinator token and none, with data that fits the description and data that does
not. No answer is a 500, every answer conforms to the description (status, content type, body schema), and
a refused request (4xx) changes no row of any table.

The path parameters (and the ids a few bodies name) are drawn from the world's real objects, so the
operations are reached, not only refused with a 404. The examples are bounded (EXAMPLES) and derandomised:
the same cases run each time; the number of cases run is printed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine, create_engine, select, text

from badges import create_app
from badges.db import engine_of, get_session, upgrade_schema
from badges.models.base import Base
from badges.services.credentials import downloads
from badges.services.credentials.links import Links
from badges.services.crypto.keyring import Keyring
from tests.live_server import own_database, start_gunicorn
from tests.web.api_world import make_world
from tests.web.programme_helpers import D06, D07

PASSPHRASE = "test-passphrase"
BASE_URL = "https://badges.example.org"
# Examples per operation and generation mode, by caller: about 60 operations x 2 modes x 3 callers. The
# staff member who owns the objects reaches the most code; the others are mostly refused early.
EXAMPLES = {
    "owner": {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3},
    "coordinator": {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1},
    "anonymous": {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1},
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass
class Live:
    url: str
    tokens: dict[str, str]
    ids: dict[str, str]
    engine: Engine


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The world of tests/web/api_world.py (two tiers-lieux, every kind of object) served by gunicorn."""
    tmp_path = tmp_path_factory.mktemp("fuzz")
    with own_database("fuzz", tmp_path) as database_url:
        env = {
            "BADGES_DATABASE_URL": database_url,
            "BADGES_BASE_URL": BASE_URL,
            "BADGES_KEYS_DIR": str(tmp_path / "keys"),
            "BADGES_KEY_PASSPHRASE": PASSPHRASE,
            "BADGES_SECRET_KEY": "test-secret",
            "BADGES_INSTANCE_PATH": str(tmp_path / "instance"),
        }
        app = create_app(
            {key.removeprefix("BADGES_"): value for key, value in env.items()} | {"TESTING": True}
        )
        with app.app_context():
            upgrade_schema(app)
            keyring, links = Keyring(tmp_path / "keys", PASSPHRASE.encode()), Links(BASE_URL)
            world = make_world(get_session(), keyring, links, datetime.now(UTC), client=None)
            tokens = {role: api.headers["Authorization"] for role, api in world.clients.items()}
        engine_of(app).dispose()
        engine = create_engine(database_url)
        try:
            with start_gunicorn(env, 1, logs=tmp_path) as server:
                yield Live(server.url, tokens, world.ids, engine)
            assert "Traceback" not in server.log(), server.log()[-3000:]
        finally:
            engine.dispose()


def snapshot(engine: Engine) -> str:
    """A digest of every row of every table (on PostgreSQL computed by the server, in one statement)."""
    tables = Base.metadata.sorted_tables
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            quote = engine.dialect.identifier_preparer.quote
            digest_of = "(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t)"
            parts = ", ".join(digest_of.format(quote(table.name)) for table in tables)
            return "".join(conn.execute(text(f"SELECT {parts}")).one())
        digest = hashlib.sha256()
        for table in tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digest.update(f"{table.name}:{len(rows)}:{rows}".encode())
    return digest.hexdigest()


def _one_of(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def fuzzed_description(live: Live) -> dict[str, Any]:
    """The served description, its path parameters (and the ids some bodies name) drawn from the world:
    the owner's objects, another tiers-lieu's and an unknown id."""
    spec = requests.get(f"{live.url}/api/v1/openapi.json", timeout=30).json()
    ids = live.ids
    by_prefix = {
        "/awards": ("award",),
        "/beneficiaries": ("person", "my_person"),
        "/badge-classes": ("badge", "spare_badge", "my_badge"),
        "/pathways": ("pathway", "my_pathway"),
        "/ateliers": ("atelier", "my_atelier"),
        "/flags": ("flag",),
        "/agencies": ("agency",),
        # No endorsement in the world: withdrawing is drawn against an unknown id only.
        "/endorsements": (),
    }
    for path, methods in spec["paths"].items():
        prefix = "/" + path.split("/")[1]
        for operation in methods.values():
            for parameter in operation["parameters"]:
                name = parameter["name"]
                if name == "public_id":
                    parameter["schema"] = _one_of(*(ids[k] for k in by_prefix[prefix]), "inconnu")
                elif name == "beneficiary_id":
                    parameter["schema"] = _one_of(ids["person"], ids["my_person"], "inconnu")
                elif name == "fmt":
                    parameter["schema"] = _one_of(*downloads.FORMATS, "ob9.doc")
                elif name == "slug":
                    parameter["schema"] = _one_of("pix-crcn", "inconnu")
    schemas = spec["components"]["schemas"]
    competencies = {"type": "array", "minItems": 1, "maxItems": 2, "items": _one_of(D06, D07)}
    for schema, name, value in (
        ("AwardInput", "badge_class", _one_of(ids["badge"], ids["spare_badge"])),
        ("AwardInput", "beneficiary", _one_of(ids["person"])),
        ("EvaluationInput", "beneficiary", _one_of(ids["person"])),
        ("EvaluationInput", "competency", _one_of(D06, D07)),
        ("EnrolmentInput", "beneficiary", _one_of(ids["person"], ids["my_person"])),
        ("AtelierInput", "competencies", competencies),
        ("AtelierInput", "held_on", _one_of("2026-03-10")),
        ("BadgeClassInput", "competencies", competencies),
        ("PathwayInput", "badge_classes", {"type": "array", "items": _one_of(ids["badge"])}),
        ("PathwayInput", "agency", _one_of(ids["agency"])),
        ("PathwayInput", "counsellor", _one_of(ids["counsellor"])),
    ):
        schemas[schema]["properties"][name] = value
    cell = schemas["GridInput"]["properties"]["results"]["items"]["properties"]
    cell.update({"beneficiary": _one_of(ids["person"]), "competency": _one_of(D06, D07)})
    presence = schemas["AttendanceInput"]["properties"]["attendance"]["items"]["properties"]
    presence["beneficiary"] = _one_of(ids["person"])
    return spec


def destructive_last(operation: Any) -> int:
    """Revocations, erasures and deletions run after the rest, so the world's objects are there for it."""
    if operation.method.upper() == "DELETE":
        return 2
    return 1 if operation.path.endswith(("/revoke", "/erase")) else 0


@dataclass
class Tally:
    # The database's digest after the last request: the requests run one at a time, so it is also the
    # digest before the next one.
    state: str
    cases: int = 0
    refused: int = 0
    snapshot_seconds: float = 0.0
    # The operations that answered 2xx at least once (reached, not only refused).
    reached: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def fuzz(operation: Any, mode: GenerationMode, live: Live, caller: str, tally: Tally) -> None:
    session = requests.Session()
    headers = {"Authorization": live.tokens[caller]} if caller != "anonymous" else {}
    failed: list[str] = []

    @settings(
        max_examples=EXAMPLES[caller][mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def run(case: schemathesis.Case) -> None:
        tally.cases += 1
        response = case.call(base_url=f"{live.url}/api/v1", session=session, headers=headers, timeout=60)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # FailureGroup: every failed check, explained
            failed.append(f"{operation.label} ({mode}, {caller}): {str(exc)[:1500]}")
        started = time.perf_counter()
        before, tally.state = tally.state, snapshot(live.engine)
        tally.snapshot_seconds += time.perf_counter() - started
        if response.status_code < 300:
            tally.reached.add(operation.label)
        if 400 <= response.status_code < 500:
            tally.refused += 1
            if tally.state != before:
                failed.append(
                    f"{operation.label} ({mode}, {caller}): refused with {response.status_code} but "
                    f"wrote\n  {case.as_curl_command()}"
                )

    run()
    # One failure per operation and mode is enough to find it again (the cases are derandomised).
    tally.failures.extend(failed[:1])


# A live server on a machine shared with other work: more than the suite's default 300 s may be needed.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("mode", list(GenerationMode))
@pytest.mark.parametrize("caller", EXAMPLES)
def test_every_operation_fuzzed_answers_as_described_and_a_refusal_writes_nothing(
    live, caller, mode, record_property
):
    schema = schemathesis.openapi.from_dict(fuzzed_description(live))
    tally = Tally(snapshot(live.engine))
    labels = []
    for operation in sorted((r.ok() for r in schema.get_all_operations()), key=destructive_last):
        labels.append(operation.label)
        fuzz(operation, mode, live, caller, tally)
    record_property("schemathesis_cases", tally.cases)
    print(
        f"schemathesis ({caller}, {mode}): {tally.cases} cases, {tally.refused} refused (4xx), "
        f"{tally.snapshot_seconds:.1f} s taking database digests; {len(tally.reached)} of {len(labels)} "
        f"operations answered 2xx; never: {sorted(set(labels) - tally.reached)}"
    )
    assert tally.failures == [], "\n".join(tally.failures)
    assert tally.cases >= len(labels)


def test_the_fuzzing_catches_an_answer_the_description_does_not_allow(live):
    """The checks above can fail: a list described with a field the API never sends is caught."""
    spec = fuzzed_description(live)
    spec["components"]["schemas"]["BeneficiaryPage"]["required"].append("never_sent")
    operation = schemathesis.openapi.from_dict(spec)["/beneficiaries"]["GET"]
    tally = Tally(snapshot(live.engine))
    fuzz(operation, GenerationMode.POSITIVE, live, "owner", tally)
    assert len(tally.failures) == 1 and "never_sent" in tally.failures[0]
