"""Exactly one credential per beneficiary and badge class, even when grids arrive at the same time."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, select

from badges.db import engine_of
from badges.models import Credential, Evaluation
from tests.factories import D06, D07, make_programme, make_staff

PARALLEL = 6


@pytest.fixture
def grid_request(session, keyring, links, now):
    world = make_programme(session, keyring, links, now)
    # One staff member per request: a shared token's last_used_at update would serialise the requests.
    tokens = [world.staff_token] + [make_staff(session, world.issuer, now)[1] for _ in range(PARALLEL - 1)]
    atelier, (person,) = world.atelier, world.people
    session.commit()
    body = {
        "moment": "apres",
        "method": "observation",
        "results": [{"beneficiary": person.public_id, "competency": c, "result": "N1"} for c in (D06, D07)],
    }
    headers = [{"Authorization": f"Bearer {token}"} for token in tokens]
    return f"/api/v1/ateliers/{atelier.public_id}/grid", headers, body


def counts(session) -> tuple[int, int]:
    session.expire_all()
    return session.scalar(select(func.count(Credential.id))), session.scalar(
        select(func.count(Evaluation.id))
    )


def test_the_same_grid_submitted_twice_issues_one_credential(app, session, grid_request):
    url, headers, body = grid_request
    client = app.test_client()
    first = client.post(url, json=body, headers=headers[0])
    second = client.post(url, json=body, headers=headers[0])
    assert (first.status_code, second.status_code) == (201, 201)
    assert (len(first.json["issued"]), len(second.json["issued"])) == (1, 0)
    assert counts(session) == (1, 4)


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("BADGES_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only (set BADGES_TEST_DATABASE_URL): SQLite serialises writers, requests cannot race",
)
def test_parallel_grids_issue_exactly_one_credential(app, session, grid_request):
    assert engine_of(app).dialect.name == "postgresql"
    url, headers, body = grid_request
    barrier = threading.Barrier(PARALLEL)
    responses: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def post(position: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
            response = client.post(url, json=body, headers=headers[position])
            responses.append((response.status_code, len(response.json.get("issued", []))))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(responses) == [(201, 0)] * (PARALLEL - 1) + [(201, 1)]
    assert counts(session) == (1, 2 * PARALLEL)
