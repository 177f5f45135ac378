"""Service errors and verifier reports are said in the interface language (French by default, English on
request), and the API adds machine codes next to the words."""

from __future__ import annotations

import html
import json
import re
import uuid

import pytest

from tests.factories import make_award, make_staff

EN = {"Accept-Language": "en"}
HTML = {"Accept": "text/html"}
FORGED_EN = "The signature does not match the content: the badge has been changed or is not authentic."
FRENCH_WORDS = re.compile(r"\b(le|la|les|du|des|est|pas|une?|lu|émetteur|clé)\b", re.IGNORECASE)
FORGED_FR = "La signature ne correspond pas au contenu : le badge a été modifié ou n'est pas authentique."


@pytest.fixture
def award(session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    session.commit()
    return credential


def forged(award) -> dict:
    doc = json.loads(award.ob3_credential)
    doc["credentialSubject"]["achievement"]["name"] = "Expert en cybersécurité"
    return doc


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_an_api_422_is_in_english_with_its_codes(client):
    error = client.get("/api/v1/verify", headers=EN).json["error"]
    assert error["code"] == "invalid" and error["message"] == "Some data are invalid."
    assert error["fields"] == {"url": "Give the address of the badge to check."}
    assert error["message_code"] == "input.invalid" and error["field_codes"] == {"url": "verify.url_missing"}


def test_an_api_422_is_in_french_by_default(client):
    error = client.get("/api/v1/verify").json["error"]
    assert error["message"] == "Certaines données sont invalides."
    assert error["fields"] == {"url": "Indiquez l'adresse du badge à vérifier."}
    assert error["field_codes"] == {"url": "verify.url_missing"}


def test_an_api_404_is_in_english_with_its_code(client, session, award, now):
    _user, token = make_staff(session, award.issuer, now)
    session.commit()
    url = f"/api/v1/awards/{uuid.uuid4()}"
    auth = {"Authorization": f"Bearer {token}"}
    english = client.get(url, headers={**auth, **EN}).json["error"]
    assert english == {"code": "not_found", "message": "Badge not found.", "message_code": "badge.not_found"}


def test_an_api_404_is_in_french_by_default(client, session, award, now):
    _user, token = make_staff(session, award.issuer, now)
    session.commit()
    error = client.get(f"/api/v1/awards/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"}).json
    assert error["error"]["message"] == "Badge introuvable."


def test_a_body_that_is_not_json_is_refused_in_english(client):
    response = client.post(
        "/api/v1/verify", data=b'{"credential": ', headers=EN, content_type="application/json"
    )
    checks = response.json["checks"]
    assert checks[0]["name"] == "parse" and checks[0]["code"] == "input.not_json"
    assert checks[0]["message"].startswith("The document is not valid JSON: ")


def test_the_verifier_api_says_a_forged_badge_in_english(client, award):
    english = client.post("/api/v1/verify", json={"credential": forged(award)}, headers=EN).json
    assert english["outcome"] == "forged"
    signature = next(c for c in english["checks"] if c["name"] == "signature")
    assert signature == {
        "name": "signature",
        "passed": False,
        "message": FORGED_EN,
        "code": "check.signature.bad",
    }
    # Every check of the English report is in English (no French word left).
    assert [c["message"] for c in english["checks"] if FRENCH_WORDS.search(c["message"])] == []


def test_the_verifier_api_says_a_forged_badge_in_french_by_default(client, award):
    french = client.post("/api/v1/verify", json={"credential": forged(award)}).json
    signature = next(c for c in french["checks"] if c["name"] == "signature")
    assert signature["message"] == FORGED_FR and signature["code"] == "check.signature.bad"


def test_the_verifier_api_says_a_valid_badge_in_english(client, award):
    checks = client.post(
        "/api/v1/verify", json={"credential": json.loads(award.ob3_credential)}, headers=EN
    ).json["checks"]
    messages = {c["name"]: c["message"] for c in checks}
    assert messages["signature"] == "Valid eddsa-rdfc-2022 signature."
    assert messages["validity"].startswith("Valid since 12/03/2026 at ") and messages["validity"].endswith(
        "(UTC), with no end date."
    )
    assert all(c["code"].startswith("check.") for c in checks)


def test_the_verifier_page_says_a_forged_badge_in_english(client, award):
    response = client.post("/verifier?lang=en", data={"texte": json.dumps(forged(award))}, headers=HTML)
    text = text_of(response)
    assert FORGED_EN in text and FORGED_FR not in text


def test_the_verifier_page_says_an_unknown_code_in_english(client):
    response = client.post("/verifier", data={"texte": "ABCD-EFGH-JKMN"}, headers={**HTML, **EN})
    text = text_of(response)
    assert "No badge matches this code. Check each letter and each digit." in text
    assert "Aucun badge ne correspond à ce code." not in text


def test_the_verifier_page_stays_french_by_default(client, award):
    text = text_of(client.post("/verifier", data={"texte": json.dumps(forged(award))}, headers=HTML))
    assert FORGED_FR in text and FORGED_EN not in text
