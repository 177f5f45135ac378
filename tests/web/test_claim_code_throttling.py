"""Claim codes cannot be walked through: after 30 unknown codes in 15 minutes from one address, the
verification page and the /code/ pages refuse codes from it (429) without looking them up."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from badges.models import LoginAttempt
from badges.services.credentials import sharing
from tests.factories import make_award

HTML = {"Accept": "text/html"}
REFUSED = "Trop de codes inconnus ont été essayés depuis cette connexion."


@pytest.fixture
def code(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    found = sharing.claim_code(session, credential=award, now=now)
    session.commit()
    return found


def unknown(n: int) -> str:
    return f"ABCD-EFGH-{n:04d}".replace("0", "A").replace("1", "B")


def page(client, text: str):
    return client.post("/verifier", data={"texte": text}, headers=HTML)


def test_thirty_unknown_codes_then_even_a_real_one_is_refused_for_15_minutes(app, client, session, code, now):
    for n in range(30):
        response = page(client, unknown(n))
        assert response.status_code == 200
        assert "Aucun badge ne correspond à ce code." in html.unescape(response.get_data(as_text=True))
    refused = page(client, code)
    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 429 and REFUSED in body
    assert 'id="verdict"' not in body, "no verdict: the code was not looked up"
    assert client.get("/verifier", query_string={"code": code}, headers=HTML).status_code == 429
    assert client.get(f"/code/{code}", headers=HTML).status_code == 429
    app.config["CLOCK"].frozen = now + timedelta(minutes=16)
    assert page(client, code).status_code == 200
    assert client.get(f"/code/{code}", headers=HTML).status_code == 200


def test_known_codes_and_other_inputs_do_not_count(client, session, code):
    for _ in range(40):
        assert page(client, code).status_code == 200
    assert page(client, '{"pas": "un badge"}').status_code == 200
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_unknown_codes_on_the_code_pages_count_too(client, session, code):
    for n in range(30):
        assert client.get(f"/code/{unknown(n)}", headers=HTML).status_code == 404
    response = client.get(f"/code/{code}", headers=HTML)
    assert response.status_code == 429 and REFUSED in html.unescape(response.get_data(as_text=True))
    rows = session.scalars(select(LoginAttempt)).all()
    assert len(rows) == 30 and {r.kind for r in rows} == {"claim"} and {r.email_hash for r in rows} == {""}
