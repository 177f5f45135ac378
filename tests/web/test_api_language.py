"""The JSON API keeps no cookie (issue 17, HTTP profile): its language is ?lang=, then Accept-Language, as
documented; it neither reads nor sets the pages' `lang` cookie nor the signed session cookie. The pages
keep both. A verification's register read goes back to the pool with the request."""

from __future__ import annotations

import json

from flask_babel import refresh

from badges.services.credentials import formats

VALID_FR = "Signature eddsa-rdfc-2022 valide."
VALID_EN = "Valid eddsa-rdfc-2022 signature."


def summary(response) -> str:
    return json.dumps(response.json, ensure_ascii=False)


def verify(client, award, **kwargs):
    # The data fixtures keep an app context open across requests, and flask-babel keeps its locale there:
    # forgotten before each request, as a server's fresh context per request does.
    refresh()
    return client.post("/api/v1/verify", json={"credential": json.loads(award.ob3_credential)}, **kwargs)


def test_the_api_answers_in_the_asked_language_and_sets_no_cookie(client, award):
    french = verify(client, award)
    english = verify(client, award, query_string={"lang": "en"})
    assert VALID_FR in summary(french) and VALID_EN in summary(english)
    assert "Set-Cookie" not in french.headers and "Set-Cookie" not in english.headers
    # Same verdict, same fields, in either language.
    assert (french.json["valid"], sorted(french.json)) == (english.json["valid"], sorted(english.json))


def test_the_api_follows_the_browser_language_not_the_pages_cookie(client, award):
    client.set_cookie("lang", "en")
    assert VALID_FR in summary(verify(client, award))
    preferred = verify(client, award, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert VALID_EN in summary(preferred) and "Set-Cookie" not in preferred.headers
    # An unknown language falls back to French.
    assert VALID_FR in summary(verify(client, award, headers={"Accept-Language": "de-DE"}))


def test_the_pages_still_read_and_set_the_lang_cookie(client):
    page = client.get("/verifier?lang=en", headers={"Accept": "text/html"})
    assert "lang=en" in page.headers["Set-Cookie"]
    assert "Which badge do you want to check?" in page.get_data(as_text=True)
    again = client.get("/verifier", headers={"Accept": "text/html"})
    assert "Which badge do you want to check?" in again.get_data(as_text=True)


def test_an_api_request_with_a_session_cookie_leaves_it_alone(client, award):
    client.set_cookie("session", "not-a-signed-session")
    answer = verify(client, award)
    assert answer.json["valid"] is True and "Set-Cookie" not in answer.headers


def test_an_own_vc_jwt_says_what_the_stored_credential_says(client, session, keyring, links, award):
    # Its summary comes from the token's payload, not from the stored text read again: the same words.
    token = formats.ob3_jwt(session, keyring, credential=award, links=links)
    session.commit()
    by_token = verify_value(client, token)
    by_document = verify_value(client, json.loads(award.ob3_credential))
    assert (by_token["valid"], by_token["format"], by_document["format"]) == (
        True,
        "ob3-jwt",
        "ob3-data-integrity",
    )
    said = {name: value for name, value in by_token.items() if name not in ("format", "checks")}
    assert said == {name: value for name, value in by_document.items() if name not in ("format", "checks")}
    assert len(said) > 4


def verify_value(client, credential):
    refresh()
    return client.post("/api/v1/verify", json={"credential": credential}).json
