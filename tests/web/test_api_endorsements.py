"""Endorsements through the API: who may endorse, what is refused (422 by field, nothing stored)."""

from __future__ import annotations

import pytest

from badges.db import engine_of
from badges.models import Endorsement, Endorser, Role
from tests.factories import (
    count_committed,
    make_account,
    make_badge_class,
    make_coordinator,
    make_issuer,
    make_staff,
)
from tests.services.credentials.test_endorsement_listing import statements
from tests.web.test_api_delivery import make_counsellor

URL = "/api/v1/endorsements"


@pytest.fixture
def world(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    _, staff = make_staff(session, issuer, now)
    _, coordinator = make_coordinator(session, now)
    counsellor, counsellor_token = make_counsellor(session, now)
    session.commit()
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    return {
        "issuer": issuer,
        "badge": badge,
        "agency": counsellor.agency.name,
        "staff": bearer(staff),
        "coordinator": bearer(coordinator),
        "counsellor": bearer(counsellor_token),
    }


def test_a_counsellor_endorses_a_badge_class_for_their_agency(client, session, links, world):
    body = {
        "target": "badge_class",
        "id": world["badge"].public_id,
        "comment": "L'agence reconnaît ce badge.",
    }
    answer = client.post(URL, json=body, headers=world["counsellor"])
    assert answer.status_code == 201, answer.json
    assert answer.json["endorser"]["name"] == world["agency"]
    assert answer.json["target"] == {"type": "badge_revision", "id": world["badge"].public_id}
    signed = client.get(answer.json["links"]["ob3_credential"].removeprefix(links.base))
    assert signed.status_code == 200 and signed.json["type"] == [
        "VerifiableCredential",
        "EndorsementCredential",
    ]
    achievement = client.get(
        f"/achievements/{world['badge'].public_id}", headers={"Accept": "application/ld+json"}
    )
    assert achievement.json["endorsement"] == [signed.json]
    listed = client.get(URL, headers=world["counsellor"])
    assert [item["id"] for item in listed.json["items"]] == [answer.json["id"]]
    assert client.get(URL, headers=world["coordinator"]).json["items"] == []


def test_the_coordination_endorses_a_tiers_lieu_and_withdraws_it(client, world):
    body = {"target": "issuer", "id": world["issuer"].slug, "comment": "Le réseau reconnaît ce tiers-lieu."}
    made = client.post(URL, json=body, headers=world["coordinator"]).json
    assert made["endorser"]["name"] == "Coordination du réseau des tiers-lieux"
    refused = client.post(f"{URL}/{made['id']}/withdraw", headers=world["counsellor"])
    assert refused.status_code == 404
    withdrawn = client.post(f"{URL}/{made['id']}/withdraw", headers=world["coordinator"])
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn"] is True
    assert client.get(f"/ob2/endorsements/{made['id']}").status_code == 410


def test_staff_of_a_tiers_lieu_cannot_endorse(client, session, world):
    body = {"target": "issuer", "id": world["issuer"].slug, "comment": "Nous sommes très bien."}
    assert client.post(URL, json=body, headers=world["staff"]).status_code == 403
    assert client.get(URL, headers=world["staff"]).status_code == 403
    assert count_committed(session, Endorsement) == 0
    assert count_committed(session, Endorser) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "badge_class", "comment": ""}, "comment"),
        ({"target": "badge_class", "comment": "x" * 281}, "comment"),
        ({"target": "badge_class"}, "comment"),
        ({"target": "pathway", "comment": "Bien."}, "target"),
        ({"target": "badge_class", "id": "a4b9c1d2-0000-4000-8000-000000000000", "comment": "Bien."}, "id"),
        ({"target": "issuer", "id": "nulle-part", "comment": "Bien."}, "id"),
        ({"target": "badge_class", "comment": "Bien.", "stars": 5}, "stars"),
    ],
)
def test_bad_input_is_a_422_by_field_and_nothing_is_stored(client, session, world, body, field):
    answer = client.post(URL, json={"id": world["badge"].public_id, **body}, headers=world["counsellor"])
    assert answer.status_code == 422
    assert field in answer.json["error"]["fields"]
    assert count_committed(session, Endorsement) == 0


def test_a_counsellor_without_agency_is_refused_everything_with_the_same_reason(client, session, world, now):
    body = {"target": "issuer", "id": world["issuer"].slug, "comment": "Le réseau reconnaît ce tiers-lieu."}
    made = client.post(URL, json=body, headers=world["coordinator"]).json
    token = make_account(session, now, Role.COUNSELLOR, name="Sans agence")[1]
    headers = {"Authorization": f"Bearer {token}"}
    session.commit()
    answers = [
        client.post(URL, json=body, headers=headers),
        client.get(URL, headers=headers),
        client.post(f"{URL}/{made['id']}/withdraw", headers=headers),
    ]
    assert [answer.status_code for answer in answers] == [403, 403, 403]
    assert {answer.json["error"]["message"] for answer in answers} == {
        "Votre compte n'est rattaché à aucune agence : vous ne pouvez pas recommander."
    }
    assert count_committed(session, Endorsement) == 1


def test_the_listing_reads_its_endorsements_in_the_same_number_of_statements_however_many(
    client, session, keyring, links, now, world
):
    counts = []
    for n in range(3):
        other = make_issuer(session, keyring, links, now)
        badge = make_badge_class(session, other, now)
        for target, target_id in (("issuer", other.slug), ("badge_class", badge.public_id)):
            body = {"target": target, "id": target_id, "comment": f"Bien {n}."}
            assert client.post(URL, json=body, headers=world["counsellor"]).status_code == 201
        session.expire_all()  # the requests share this test's session: nothing loaded, as in a new one
        count, listed = statements(
            engine_of(client.application), lambda: client.get(URL, headers=world["counsellor"])
        )
        counts.append(count)
        assert listed.status_code == 200 and listed.json["total"] == 2 * (n + 1)
    assert len(set(counts)) == 1, counts
