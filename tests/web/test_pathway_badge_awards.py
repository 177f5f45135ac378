"""Pathway badges on the web: the badge page says "un parcours complet" with its badges (FALC), and grids
arriving at the same time issue the pathway badge exactly once (PostgreSQL: SQLite serialises writers)."""

from __future__ import annotations

import html
import os
import threading

import pytest
from sqlalchemy import func, select

from badges.db import engine_of
from badges.models import Credential
from tests.factories import D06, D07, grid, make_badge_class, make_programme, make_staff

PARALLEL = 6


def make_pathway_badge(session, now, world, *components):
    return make_badge_class(
        session,
        world.issuer,
        now,
        name="Parcours découverte complet",
        description="J'ai suivi tout le parcours découverte.",
        criteria_narrative=None,
        level="N1",
        competencies=[D06, D07],
        profile=None,
        pathway_badge={"pathway": world.pathway.public_id, "components": [c.public_id for c in components]},
    )


def test_the_badge_page_says_a_whole_pathway_and_links_its_badges(client, session, keyring, links, now):
    world = make_programme(session, keyring, links, now)
    make_pathway_badge(session, now, world, world.badge)
    awa = world.people[0]
    part, whole = grid(
        session, keyring, links, now, world.atelier, world.staff, [(awa, D06, "N1"), (awa, D07, "N1")]
    )[1].issued
    session.commit()
    response = client.get(f"/credentials/{whole.public_id}", headers={"Accept": "text/html"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Ce badge montre un parcours complet : 1 badge obtenu" in text
    assert f'<a href="{links.credential_page(part.public_id)}">{world.badge.name}</a>' in text
    plain = client.get(f"/credentials/{part.public_id}", headers={"Accept": "text/html"})
    assert "parcours complet" not in plain.get_data(as_text=True)


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("BADGES_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only (set BADGES_TEST_DATABASE_URL): SQLite serialises writers, requests cannot race",
)
def test_parallel_grids_issue_the_pathway_badge_exactly_once(app, session, keyring, links, now):
    assert engine_of(app).dialect.name == "postgresql"
    world = make_programme(session, keyring, links, now)
    whole = make_pathway_badge(session, now, world, world.badge)
    tokens = [world.staff_token] + [make_staff(session, world.issuer, now)[1] for _ in range(PARALLEL - 1)]
    person = world.people[0]
    session.commit()
    url = f"/api/v1/ateliers/{world.atelier.public_id}/grid"
    body = {
        "moment": "apres",
        "method": "observation",
        "results": [{"beneficiary": person.public_id, "competency": c, "result": "N1"} for c in (D06, D07)],
    }
    barrier = threading.Barrier(PARALLEL)
    issued: list[int] = []
    errors: list[BaseException] = []

    def post(position: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=30)
            headers = {"Authorization": f"Bearer {tokens[position]}"}
            response = client.post(url, json=body, headers=headers)
            assert response.status_code == 201, response.get_data(as_text=True)
            issued.append(len(response.json["issued"]))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # One request issued the component and the pathway badge together; the others, nothing.
    assert sorted(issued) == [0] * (PARALLEL - 1) + [2]
    session.expire_all()
    per_class = dict(
        session.execute(
            select(Credential.badge_class_id, func.count()).group_by(Credential.badge_class_id)
        ).all()
    )
    assert per_class == {world.badge.id: 1, whole.id: 1}
