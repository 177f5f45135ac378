"""/api/v1/verify carries the page's four-way verdict (issue 13) and the verifier's one size limit."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badges.services.credentials import revocation, sharing

TOO_LARGE = "Le badge est trop gros : 2 Mo au plus."


def test_valid_and_forged(client, award):
    valid = client.post("/api/v1/verify", json={"credential": json.loads(award.ob3_credential)}).json
    assert (valid["outcome"], valid["cause"], valid["lapse"]) == ("valid", None, None)
    doc = json.loads(award.ob3_credential)
    doc["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    forged = client.post("/api/v1/verify", json={"credential": doc}).json
    assert (forged["valid"], forged["outcome"], forged["cause"]) == (False, "forged", None)


def test_revoked_says_when_and_why(client, session, keyring, links, now, award):
    revocation.revoke(session, keyring, credential=award, reason="Erreur de saisie", links=links, now=now)
    session.commit()
    report = client.get("/api/v1/verify", query_string={"url": links.credential_page(award.public_id)}).json
    assert report["outcome"] == "revoked_or_expired"
    assert report["lapse"] == {
        "kind": "revoked",
        "date": "2026-03-12T10:00:00Z",
        "reason": "Erreur de saisie",
    }


def test_a_private_badge_cannot_be_checked_and_is_not_called_forged(client, session, links, now, award):
    sharing.set_private(session, credential=award, value="private", now=now)
    session.commit()
    by_url = client.get("/api/v1/verify", query_string={"url": links.credential_page(award.public_id)}).json
    hosted_copy = client.post("/api/v1/verify", json={"credential": json.loads(award.ob2_assertion)}).json
    for report in (by_url, hosted_copy):
        assert (report["outcome"], report["cause"]) == ("unverifiable", "not_found"), report
    assert [c["name"] for c in by_url["checks"]] == ["parse"]


@pytest.mark.parametrize("size", [3 * 1024 * 1024, 6 * 1024 * 1024])
def test_one_limit_one_message_whatever_the_size(client, size):
    """Over 2 MiB, under or over the 5 MiB request limit: the same 413 report with the same message."""
    big = b"{" + b" " * size + b"}"
    # Encoded in memory: the test client would leave a large upload in a temporary file.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), filename="badge.json")})
    by_file = client.post(
        "/api/v1/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert by_file.status_code == 413
    assert by_file.json["cause"] == "too_large" and by_file.json["outcome"] == "unverifiable"
    assert [(c["name"], c["message"]) for c in by_file.json["checks"]] == [("parse", TOO_LARGE)]
    by_json = client.post(
        "/api/v1/verify", data='{"credential": "' + " " * size + '"}', content_type="application/json"
    )
    assert by_json.status_code == 413 and by_json.json["cause"] == "too_large"
    assert [(c["name"], c["message"]) for c in by_json.json["checks"]] == [("parse", TOO_LARGE)]
