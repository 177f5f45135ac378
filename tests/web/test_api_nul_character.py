"""A NUL character in a path, a query or a body is a 422 naming where it is, and nothing is stored.

Found by schemathesis (tests/web/test_api_fuzz.py) on PostgreSQL, which cannot store or even compare a
string holding one: `POST /frameworks` with "\\u0000" in its slug was a 500. Checked on SQLite too, where the
same input is refused the same way.
"""

from __future__ import annotations

import pytest

from badges.models import Beneficiary, Framework
from tests.web.programme_helpers import count, make_tiers


@pytest.fixture
def api(session, keyring, links, now, client):
    return make_tiers(session, keyring, links, now, client)["api"]


def test_a_nul_in_a_framework_slug_is_a_422_not_a_500(api, session):
    before = count(session, Framework)
    document = {"slug": "mon\u0000ref", "version": "1", "name": "Mon référentiel", "kind": "reference",
                "competencies": [{"code": "A1", "title": "Lire"}]}  # fmt: skip
    response = api.post("/frameworks", json=document)
    assert response.status_code == 422
    assert response.json["error"]["field_codes"] == {"slug": "field.control_characters"}
    assert count(session, Framework) == before


def test_a_nul_deep_in_a_body_is_named_by_its_path(api, session):
    before = count(session, Beneficiary)
    response = api.post("/beneficiaries", json={"display_name": "Léa\u0000"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"display_name"}
    nested = api.post("/frameworks", json={"competencies": [{"code": "A\u0000"}]})
    assert nested.json["error"]["field_codes"] == {"competencies[0].code": "field.control_characters"}
    assert count(session, Beneficiary) == before


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/awards/a%00b", "public_id"),
        ("/frameworks/pix%00crcn", "slug"),
        ("/beneficiaries?pathway=%00", "pathway"),
    ],
)
def test_a_nul_in_the_path_or_the_query_is_a_422(api, url, field):
    response = api.get(url)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {field}


def test_the_public_verifier_refuses_a_nul_in_its_url_too(client):
    response = client.get("/api/v1/verify?url=https://example.org/%00")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"url"}
