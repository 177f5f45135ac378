"""Public documents: JSON-LD for machines, HTML for people, and the right media types and status codes."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from badges.services.credentials import status_lists

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
LD = {"Accept": "application/ld+json"}


def path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path


def test_issuer_url_serves_the_controller_document_listing_its_key(client, links, award):
    response = client.get(path(links.issuer(award.issuer.slug)), headers=LD)
    assert response.status_code == 200
    doc = response.json
    assert doc["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert doc["id"] == links.issuer(award.issuer.slug)
    method = json.loads(award.ob3_credential)["proof"][0]["verificationMethod"]
    assert method in doc["assertionMethod"]
    (entry,) = [m for m in doc["verificationMethod"] if m["id"] == method]
    assert entry["type"] == "Multikey" and entry["controller"] == doc["id"]
    assert entry["publicKeyMultibase"].startswith("z6Mk")


def test_issuer_url_gives_a_page_to_browsers(client, links, award):
    response = client.get(path(links.issuer(award.issuer.slug)), headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert award.issuer.name in response.get_data(as_text=True)


def test_credential_json_is_served_byte_for_byte_as_signed(client, links, award):
    response = client.get(
        path(links.credential_page(award.public_id)), headers={"Accept": "application/json"}
    )
    assert response.mimetype == "application/vc+ld+json"
    assert response.get_data(as_text=True) == award.ob3_credential


def test_credential_page_for_browsers_is_french(client, links, award):
    response = client.get(path(links.credential_page(award.public_id)), headers=HTML)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="fr"' in text and "Ce badge est valide." in text
    assert "intermediaire" not in text.lower()


def test_ob2_documents_are_linked_and_served_as_json_ld(client, links, award):
    assertion = client.get(path(links.ob2_assertion(award.public_id)), headers=LD)
    assert assertion.mimetype == "application/ld+json"
    assert assertion.get_data(as_text=True) == award.ob2_assertion
    badge = client.get(path(assertion.json["badge"]), headers=LD).json
    issuer = client.get(path(badge["issuer"]), headers=LD).json
    assert issuer["type"] == "Issuer" and issuer["name"] and issuer["url"] and issuer["email"]
    key = client.get(path(issuer["publicKey"][0]), headers=LD).json
    assert key["type"] == "CryptographicKey" and key["owner"] == issuer["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    image = client.get(path(badge["image"]))
    assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")


def test_ob2_assertion_redirects_browsers_to_the_badge_page(client, links, award):
    response = client.get(path(links.ob2_assertion(award.public_id)), headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/credentials/{award.public_id}")


def test_revoked_hosted_assertion_answers_410_with_revoked_true(client, session, keyring, links, now, award):
    award.revoked_at = now
    award.revocation_reason = "Badge délivré par erreur"
    session.commit()
    response = client.get(path(links.ob2_assertion(award.public_id)), headers=LD)
    assert response.status_code == 410
    assert response.json["revoked"] is True
    assert response.json["revocationReason"] == "Badge délivré par erreur"


def test_jwks_publishes_the_rsa_keys_with_kid_urls(client, links, award):
    response = client.get(path(links.jwks(award.issuer.slug)))
    assert response.mimetype == "application/jwk-set+json"
    (jwk,) = response.json["keys"]
    assert jwk["kty"] == "RSA" and "d" not in jwk
    assert client.get(path(jwk["kid"])).json["n"] == jwk["n"]
    assert jwk in client.get("/.well-known/jwks.json").json["keys"]


def test_status_list_is_a_signed_bitstring_credential_of_the_issuer(
    client, session, keyring, links, now, award
):
    response = client.get(path(links.status_list(award.issuer.slug, 1)))
    doc = response.json
    assert response.mimetype == "application/vc+ld+json"
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["issuer"] == links.issuer(award.issuer.slug)
    assert doc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    from badges.services.crypto import statuslist

    bits = statuslist.decode(doc["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert not statuslist.is_set(bits, award.status_index)
    award.revoked_at = now
    status_lists.sign_list(session, keyring, status_list=award.status_list, links=links, now=now)
    session.commit()
    bits = statuslist.decode(
        client.get(path(links.status_list(award.issuer.slug, 1))).json["credentialSubject"]["encodedList"]
    )
    assert statuslist.is_set(bits, award.status_index)


def test_framework_page_has_an_anchor_per_competence(client, award):
    text = client.get("/frameworks/pix-crcn", headers=HTML).get_data(as_text=True)
    for code in ("1.1", "2.1", "5.2"):
        assert f'id="{code}"' in text
    assert len(client.get("/frameworks/digcomp", headers=LD).json["competencies"]) == 21


def test_achievement_json_and_page(client, links, award):
    url = path(links.achievement(award.badge_class.public_id))
    doc = client.get(url, headers=LD).json
    assert doc["type"] == ["Achievement"] and doc["criteria"]["narrative"]
    assert "Échanger par e-mail" in client.get(url, headers=HTML).get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/issuers/nope",
        "/credentials/00000000-0000-0000-0000-000000000000",
        "/ob2/assertions/x",
        "/ob2/badges/x",
        "/ob2/keys/x",
        "/status/nope/1",
        "/achievements/x",
        "/frameworks/nope",
        "/issuers/x/keys/y",
    ],
)
def test_unknown_documents_are_404_in_json_for_machines(client, url):
    response = client.get(url, headers=LD)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_unknown_page_is_a_french_html_404_for_browsers(client):
    response = client.get("/credentials/nope", headers=HTML)
    assert response.status_code == 404
    assert "introuvable" in response.get_data(as_text=True)


# What the outside verifiers really send: jsonld.js and DCC's loader, jose's JWKS fetcher, a bare fetch or
# Java HttpClient (*/*), and a client that sends no Accept at all. None of them may get an HTML page.
VERIFIER_ACCEPTS = [
    "application/ld+json, application/json",
    "application/json, application/jwk-set+json",
    "*/*",
    None,
]


@pytest.mark.parametrize("accept", VERIFIER_ACCEPTS)
def test_every_document_a_verifier_fetches_answers_json(client, links, award, accept):
    credential = json.loads(award.ob3_credential)
    slug = award.issuer.slug
    urls = [
        credential["proof"][0]["verificationMethod"],
        credential["issuer"]["id"],
        credential["credentialStatus"]["statusListCredential"],
        credential["credentialSubject"]["achievement"]["id"],
        links.credential_page(award.public_id),
        links.jwks(slug),
        links.base + "/.well-known/jwks.json",
        links.ob2_assertion(award.public_id),
        links.ob2_issuer(slug),
    ]
    rsa_kid = client.get(path(links.jwks(slug))).json["keys"][0]["kid"]
    urls.append(rsa_kid)
    headers = {} if accept is None else {"Accept": accept}
    for url in urls:
        response = client.get(path(url), headers=headers)
        assert response.status_code == 200, url
        assert response.mimetype != "text/html" and isinstance(response.json, dict), (url, response.mimetype)


def test_the_proof_key_url_serves_the_multikey_its_controller_lists(client, links, award):
    method = json.loads(award.ob3_credential)["proof"][0]["verificationMethod"]
    assert "#" not in method
    key = client.get(path(method), headers=LD).json
    assert key["@context"] == "https://w3id.org/security/multikey/v1"
    assert key["id"] == method and key["type"] == "Multikey"
    assert key["controller"] == links.issuer(award.issuer.slug)
    assert key["publicKeyMultibase"].startswith("z6Mk")
    controller = client.get(path(key["controller"]), headers=LD).json
    assert method in controller["assertionMethod"]
    legacy = links.legacy_ed25519_method(award.issuer.slug, method.rsplit("/", 1)[1])
    assert legacy in controller["assertionMethod"]  # badges signed with the old id keep verifying
