"""OpenID4VCI 1.0 pre-authorized code flow through the web endpoints: metadata, offer by reference, token,
nonce and credential; every error the protocol names, and nothing stored or spent by a refusal."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from badges.models import (
    BoundCredential,
    LoginAttempt,
    Oid4vciAccessToken,
    Oid4vciIssued,
    Oid4vciNonce,
    Oid4vciOffer,
)
from badges.services.credentials import oid4vci, revocation
from badges.services.crypto import jws
from tests.oid4vci_wallet import Holder

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP = "OpenBadgeCredential_ldp_vc"
JWT = "OpenBadgeCredential_jwt_vc_json"


def fresh(session):
    """The test's session in a new transaction: the test client's requests share its app context, so on
    SQLite the open transaction would still read the snapshot taken before the server's commits."""
    session.rollback()
    return session


def count(session, model) -> int:
    return fresh(session).scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def offer(session, links, now, award):
    made = oid4vci.create_offer(
        session, credential=award, links=links, now=now, ttl=timedelta(days=7), with_tx_code=True
    )
    session.commit()
    return made


def offer_path(made: oid4vci.NewOffer) -> str:
    return urlsplit(made.offer_uri).path


def code_of(client, made) -> str:
    document = client.get(offer_path(made)).get_json()
    return document["grants"][PRE_AUTH]["pre-authorized_code"]


def token_request(client, code: str, tx_code: str | None = None, **extra):
    form = {"grant_type": PRE_AUTH, "pre-authorized_code": code, **extra}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return client.post("/oid4vci/token", data=form)


def access_token(client, made) -> str:
    response = token_request(client, code_of(client, made), made.tx_code)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def c_nonce(client) -> str:
    response = client.post("/oid4vci/nonce")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_json()["c_nonce"]


def credential_request(client, token: str, body):
    headers = {"Authorization": f"Bearer {token}"}
    return client.post("/oid4vci/credential", json=body, headers=headers)


def request_body(holder: Holder, links, now, nonce, configuration=LDP, **claims):
    proof = holder.proof(aud=links.base, nonce=nonce, iat=int(now.timestamp()), **claims)
    return {"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}


def test_issuer_metadata_offers_both_formats_with_french_and_english_display(client, links):
    response = client.get("/.well-known/openid-credential-issuer")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    metadata = response.get_json()
    assert metadata["credential_issuer"] == links.base
    assert metadata["credential_endpoint"] == f"{links.base}/oid4vci/credential"
    assert metadata["nonce_endpoint"] == f"{links.base}/oid4vci/nonce"
    configurations = metadata["credential_configurations_supported"]
    assert {name: c["format"] for name, c in configurations.items()} == {LDP: "ldp_vc", JWT: "jwt_vc_json"}
    for configuration in configurations.values():
        assert configuration["credential_definition"]["type"] == [
            "VerifiableCredential",
            "OpenBadgeCredential",
        ]
        assert configuration["proof_types_supported"] == {
            "jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}
        }
        locales = {d["locale"] for d in configuration["credential_metadata"]["display"]}
        assert locales == {"fr", "en"}
    assert configurations[LDP]["credential_signing_alg_values_supported"] == ["eddsa-rdfc-2022"]
    assert "@context" in configurations[LDP]["credential_definition"]


def test_authorization_server_metadata_names_the_token_endpoint_and_the_pre_authorized_grant(client, links):
    metadata = client.get("/.well-known/oauth-authorization-server").get_json()
    assert metadata["issuer"] == links.base
    assert metadata["token_endpoint"] == f"{links.base}/oid4vci/token"
    assert metadata["grant_types_supported"] == [PRE_AUTH]
    assert metadata["pre-authorized_grant_anonymous_access_supported"] is True


def test_offer_by_reference_holds_the_code_and_the_tx_code_description(client, links, offer):
    assert offer.deep_link.startswith("openid-credential-offer://?credential_offer_uri=")
    query = parse_qs(urlsplit(offer.deep_link).query)
    assert query["credential_offer_uri"] == [offer.offer_uri]
    assert offer.tx_code is not None and len(offer.tx_code) == 6 and offer.tx_code.isdigit()
    document = client.get(offer_path(offer)).get_json()
    assert document["credential_issuer"] == links.base
    assert document["credential_configuration_ids"] == [LDP, JWT]
    grant = document["grants"][PRE_AUTH]
    assert grant["tx_code"]["input_mode"] == "numeric" and grant["tx_code"]["length"] == 6
    assert len(grant["pre-authorized_code"]) >= 43


def test_only_hashes_of_the_offer_secrets_are_stored(session, client, offer):
    row = fresh(session).scalars(select(Oid4vciOffer)).one()
    code = code_of(client, offer)
    stored = {row.ref_hash, row.code_hash, row.tx_code_hash}
    assert offer.tx_code not in "".join(stored) and code not in stored
    assert offer_path(offer).rsplit("/", 1)[1] not in stored


def test_both_formats_reach_the_holder_did(client, session, links, now, offer, award):
    token = access_token(client, offer)
    holder = Holder()
    response = credential_request(client, token, request_body(holder, links, now, c_nonce(client)))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    document = response.get_json()["credentials"][0]["credential"]
    assert document["credentialSubject"]["id"] == holder.did
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    body = request_body(holder, links, now, c_nonce(client), configuration=JWT)
    token_text = credential_request(client, token, body).get_json()["credentials"][0]["credential"]
    header, payload = jws.unverified_parts(token_text)
    assert header["alg"] == "RS256" and payload["sub"] == holder.did
    rows = fresh(session).scalars(select(BoundCredential)).all()
    assert sorted(r.format for r in rows) == ["jwt_vc_json", "ldp_vc"]
    assert {r.credential_id for r in rows} == {award.id} and {r.holder_did for r in rows} == {holder.did}


def test_the_same_format_twice_with_one_token_is_denied(client, session, links, now, offer):
    token = access_token(client, offer)
    holder = Holder()
    assert (
        credential_request(client, token, request_body(holder, links, now, c_nonce(client))).status_code
        == 200
    )
    nonce = c_nonce(client)
    response = credential_request(client, token, request_body(holder, links, now, nonce))
    assert response.status_code == 400 and response.get_json()["error"] == "credential_request_denied"
    assert count(session, BoundCredential) == 1
    assert fresh(session).scalars(select(Oid4vciNonce).where(Oid4vciNonce.value == nonce)).first() is not None


@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_a_jwk_header_binds_the_credential_to_its_did_jwk(client, links, now, offer, curve):
    token = access_token(client, offer)
    holder = Holder(curve)
    header = {"typ": "openid4vci-proof+jwt", "alg": holder.alg, "jwk": holder.jwk}
    proof = holder.proof(aud=links.base, nonce=c_nonce(client), iat=int(now.timestamp()), header=header)
    body = {"credential_configuration_id": LDP, "proofs": {"jwt": [proof]}}
    subject = credential_request(client, token, body).get_json()["credentials"][0]["credential"]
    assert subject["credentialSubject"]["id"].startswith("did:jwk:")


def test_a_p256_did_key_and_the_single_proof_of_earlier_drafts_are_accepted(client, links, now, offer):
    token = access_token(client, offer)
    holder = Holder("P-256")
    proof = holder.proof(aud=links.base, nonce=c_nonce(client), iat=int(now.timestamp()))
    body = {"credential_configuration_id": LDP, "proof": {"proof_type": "jwt", "jwt": proof}}
    response = credential_request(client, token, body)
    assert response.get_json()["credentials"][0]["credential"]["credentialSubject"]["id"] == holder.did


def test_a_redeemed_offer_is_gone_and_its_code_is_refused(client, session, offer):
    code = code_of(client, offer)
    assert token_request(client, code, offer.tx_code).status_code == 200
    assert client.get(offer_path(offer)).status_code == 404
    replay = token_request(client, code, offer.tx_code)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
    assert count(session, Oid4vciAccessToken) == 1


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"pre-authorized_code": "CODE", "tx_code": "TX"}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": PRE_AUTH, "tx_code": "TX"}, "invalid_request"),
        ({"grant_type": PRE_AUTH, "pre-authorized_code": "unknown", "tx_code": "TX"}, "invalid_grant"),
        ({"grant_type": PRE_AUTH, "pre-authorized_code": "CODE"}, "invalid_request"),
        ({"grant_type": PRE_AUTH, "pre-authorized_code": "CODE", "tx_code": "WRONG"}, "invalid_grant"),
    ],
    ids=["no-grant-type", "other-grant", "no-code", "unknown-code", "no-tx-code", "wrong-tx-code"],
)
def test_token_refusals_change_nothing(client, session, offer, form, error):
    code = code_of(client, offer)
    wrong = str((int(offer.tx_code) + 1) % 1_000_000).zfill(6)
    values = {
        k: v.replace("CODE", code).replace("WRONG", wrong).replace("TX", offer.tx_code)
        for k, v in form.items()
    }
    response = client.post("/oid4vci/token", data=values)
    assert response.status_code == 400
    assert response.get_json()["error"] == error and response.headers["Cache-Control"] == "no-store"
    assert count(session, Oid4vciAccessToken) == 0
    assert fresh(session).scalars(select(Oid4vciOffer)).one().redeemed_at is None
    assert token_request(client, code, offer.tx_code).status_code == 200


def test_a_tx_code_for_an_offer_without_one_and_a_json_body_are_invalid_requests(
    client, session, links, now, award
):
    made = oid4vci.create_offer(
        session, credential=award, links=links, now=now, ttl=timedelta(days=1), with_tx_code=False
    )
    session.commit()
    code = code_of(client, made)
    assert "tx_code" not in client.get(offer_path(made)).get_json()["grants"][PRE_AUTH]
    assert token_request(client, code, "123456").get_json()["error"] == "invalid_request"
    as_json = client.post("/oid4vci/token", json={"grant_type": PRE_AUTH, "pre-authorized_code": code})
    assert as_json.status_code == 400 and as_json.get_json()["error"] == "invalid_request"
    assert token_request(client, code).status_code == 200


def test_an_expired_offer_is_refused(app, client, session, offer, now):
    code = code_of(client, offer)
    app.config["CLOCK"].frozen = now + timedelta(days=7, seconds=1)
    assert client.get(offer_path(offer)).status_code == 404
    response = token_request(client, code, offer.tx_code)
    assert response.get_json()["error"] == "invalid_grant"
    assert count(session, Oid4vciAccessToken) == 0


def test_a_revoked_award_gets_no_token(client, session, keyring, links, now, offer, award):
    code = code_of(client, offer)
    revocation.revoke(session, keyring, credential=award, reason="erreur", links=links, now=now)
    session.commit()
    assert token_request(client, code, offer.tx_code).get_json()["error"] == "invalid_grant"
    assert fresh(session).scalars(select(Oid4vciOffer)).one().redeemed_at is None


@pytest.mark.parametrize(
    ("end", "status", "error"),
    [
        ("revoke", 400, "credential_request_denied"),
        # Erasure deletes the award's offers, their tokens with them: the token is no longer known.
        ("erase", 401, "invalid_token"),
    ],
)
def test_an_award_revoked_or_erased_after_the_token_is_denied_at_the_credential_endpoint(
    client, session, keyring, links, now, offer, award, end, status, error
):
    token = access_token(client, offer)
    body = request_body(Holder(), links, now, c_nonce(client))
    if end == "revoke":
        revocation.revoke(session, keyring, credential=award, reason="erreur", links=links, now=now)
    else:
        revocation.erase(session, keyring, credential=award, links=links, now=now)
    session.commit()
    response = credential_request(client, token, body)
    assert response.status_code == status and response.get_json()["error"] == error
    assert count(session, BoundCredential) == 0 and count(session, Oid4vciIssued) == 0


def test_unknown_codes_share_the_wallet_budget_of_the_lcw_exchange(client, session, offer):
    code = code_of(client, offer)
    for n in range(28):
        assert token_request(client, f"unknown-{n}", "000000").get_json()["error"] == "invalid_grant"
    assert client.get("/oid4vci/offers/unknown").status_code == 404
    assert client.post("/wallet/exchanges/unknown/vcapi", json={}).status_code == 404
    blocked = token_request(client, code, offer.tx_code)
    assert blocked.status_code == 429
    kinds = fresh(session).scalars(select(LoginAttempt.kind)).all()
    assert kinds == ["wallet"] * 30


@pytest.mark.parametrize(
    "raw",
    [
        b'{"credential_configuration_id": "x", "credential_configuration_id": "y"}',
        b'{"credential_configuration_id": "OpenBadgeCredential_ldp_vc", "proofs": {"jwt": ['
        + b"[" * 100
        + b"]" * 100
        + b"]}}",
    ],
)
def test_a_credential_request_with_duplicate_names_or_too_deep_is_invalid(client, offer, raw):
    headers = {"Authorization": f"Bearer {access_token(client, offer)}"}
    response = client.post("/oid4vci/credential", data=raw, headers=headers, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_credential_request"


def test_credential_endpoint_wants_a_live_bearer_token(app, client, session, links, now, offer):
    body = request_body(Holder(), links, now, c_nonce(client))
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer unknown"}):
        response = client.post("/oid4vci/credential", json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert response.get_json()["error"] == "invalid_token"
    token = access_token(client, offer)
    app.config["CLOCK"].frozen = now + oid4vci.ACCESS_TOKEN_TTL
    assert credential_request(client, token, body).status_code == 401
    assert count(session, BoundCredential) == 0


def _bad_requests(holder: Holder, other: Holder, aud: str, iat: int, nonce: str):
    def proof(**kw):
        return holder.proof(
            aud=kw.pop("aud", aud), nonce=kw.pop("nonce", nonce), iat=kw.pop("iat", iat), **kw
        )

    def body(jwt):
        return {"credential_configuration_id": LDP, "proofs": {"jwt": [jwt]}}

    header = {"typ": "openid4vci-proof+jwt", "alg": holder.alg, "kid": holder.kid}
    forged = proof()
    forged = forged.rsplit(".", 1)[0] + "." + other.proof(aud=aud, nonce=nonce, iat=iat).rsplit(".", 1)[1]
    return {
        "not-json": ("invalid_credential_request", None),
        "no-configuration": ("invalid_credential_request", {"proofs": {"jwt": [proof()]}}),
        "unknown-configuration": (
            "unknown_credential_configuration",
            {**body(proof()), "credential_configuration_id": "x"},
        ),
        "identifier": (
            "unknown_credential_identifier",
            {"credential_identifier": "x", "proofs": {"jwt": [proof()]}},
        ),
        "no-proof": ("invalid_proof", {"credential_configuration_id": LDP}),
        "two-proofs": (
            "invalid_proof",
            {"credential_configuration_id": LDP, "proofs": {"jwt": [proof(), proof()]}},
        ),
        "proof-and-proofs": (
            "invalid_credential_request",
            {**body(proof()), "proof": {"proof_type": "jwt", "jwt": proof()}},
        ),
        "wrong-typ": (
            "invalid_proof",
            body(holder.proof(aud=aud, nonce=nonce, iat=iat, header={**header, "typ": "JWT"})),
        ),
        "alg-none": (
            "invalid_proof",
            body(holder.proof(aud=aud, nonce=nonce, iat=iat, header={**header, "alg": "none"})),
        ),
        "kid-not-did": (
            "invalid_proof",
            body(holder.proof(aud=aud, nonce=nonce, iat=iat, header={**header, "kid": "key-1"})),
        ),
        "kid-and-jwk": (
            "invalid_proof",
            body(holder.proof(aud=aud, nonce=nonce, iat=iat, header={**header, "jwk": holder.jwk})),
        ),
        "other-did": (
            "invalid_proof",
            body(holder.proof(aud=aud, nonce=nonce, iat=iat, header={**header, "kid": other.kid})),
        ),
        "forged-signature": ("invalid_proof", body(forged)),
        "wrong-aud": ("invalid_proof", body(proof(aud="https://elsewhere.example"))),
        "old-iat": ("invalid_proof", body(proof(iat=iat - 3600))),
        "future-iat": ("invalid_proof", body(proof(iat=iat + 3600))),
        "no-nonce": ("invalid_nonce", body(holder.proof(aud=aud, nonce=None, iat=iat))),
        "unknown-nonce": ("invalid_nonce", body(proof(nonce="not-a-nonce"))),
    }


@pytest.mark.parametrize(
    "case",
    ["not-json", "no-configuration", "unknown-configuration", "identifier", "no-proof", "two-proofs",
     "proof-and-proofs", "wrong-typ", "alg-none", "kid-not-did", "kid-and-jwk", "other-did",
     "forged-signature", "wrong-aud", "old-iat", "future-iat", "no-nonce", "unknown-nonce"],
)  # fmt: skip
def test_credential_refusals_name_the_error_and_change_nothing(client, session, links, now, offer, case):
    token = access_token(client, offer)
    nonce = c_nonce(client)
    error, body = _bad_requests(Holder(), Holder(), links.base, int(now.timestamp()), nonce)[case]
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        response = client.post(
            "/oid4vci/credential", data="{", headers=headers, content_type="application/json"
        )
    else:
        response = credential_request(client, token, body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == error
    assert count(session, BoundCredential) == 0
    assert fresh(session).scalars(select(Oid4vciNonce).where(Oid4vciNonce.value == nonce)).first() is not None
    assert count(session, Oid4vciIssued) == 0
    assert credential_request(client, token, request_body(Holder(), links, now, nonce)).status_code == 200


def test_a_nonce_serves_once_and_expires(app, client, session, links, now, offer):
    token = access_token(client, offer)
    holder = Holder()
    nonce = c_nonce(client)
    assert credential_request(client, token, request_body(holder, links, now, nonce)).status_code == 200
    replay = credential_request(client, token, request_body(holder, links, now, nonce, configuration=JWT))
    assert replay.get_json()["error"] == "invalid_nonce"
    late = c_nonce(client)
    app.config["CLOCK"].frozen = now + oid4vci.NONCE_TTL
    body = request_body(holder, links, now + oid4vci.NONCE_TTL, late, configuration=JWT)
    assert credential_request(client, token, body).get_json()["error"] == "invalid_nonce"
    assert count(session, BoundCredential) == 1


def test_the_holder_asks_an_offer_from_the_private_page(app, client, session, now, award):
    from badges.services.holders import private_link

    secret = app.config["LINK_SECRET"].encode()
    link = private_link.private_token(session, beneficiary=award.beneficiary, secret=secret, now=now)
    session.commit()
    response = client.post(f"/mes-badges/{link}/{award.public_id}/oid4vci")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    # A private page's answer: its address (the link) leaks nowhere, and no robot keeps it.
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    made = response.get_json()
    assert made["deep_link"].startswith("openid-credential-offer://") and len(made["tx_code"]) == 6
    assert made["qr_svg"].startswith("data:image/svg+xml")
    assert json.loads(json.dumps(made))["expires_at"] == (now + timedelta(days=7)).isoformat()
    assert client.post(f"/mes-badges/unknown/{award.public_id}/oid4vci").status_code == 404
    assert client.post(f"/mes-badges/{link}/unknown/oid4vci").status_code == 404
    assert count(session, Oid4vciOffer) == 1


def test_a_revoked_badge_gets_no_offer_and_nothing_is_stored(
    app, client, session, keyring, links, now, award
):
    from badges.services.holders import private_link

    secret = app.config["LINK_SECRET"].encode()
    link = private_link.private_token(session, beneficiary=award.beneficiary, secret=secret, now=now)
    revocation.revoke(session, keyring, credential=award, reason="erreur", links=links, now=now)
    session.commit()
    response = client.post(f"/mes-badges/{link}/{award.public_id}/oid4vci")
    assert response.status_code == 409 and response.get_json()["error"] == "credential_request_denied"
    assert count(session, Oid4vciOffer) == 0


def test_an_offer_without_tx_code_when_asked(app, client, session, now, award):
    from badges.services.holders import private_link

    secret = app.config["LINK_SECRET"].encode()
    link = private_link.private_token(session, beneficiary=award.beneficiary, secret=secret, now=now)
    session.commit()
    made = client.post(f"/mes-badges/{link}/{award.public_id}/oid4vci", data={"code": "non"}).get_json()
    assert made["tx_code"] is None
    assert fresh(session).scalars(select(Oid4vciOffer)).one().tx_code_hash is None


def test_one_code_sent_at_once_by_eight_clients_gives_one_token(client, session, live_url, offer):
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    form = urllib.parse.urlencode(
        {"grant_type": PRE_AUTH, "pre-authorized_code": code_of(client, offer), "tx_code": offer.tx_code}
    ).encode()

    def send(_: int) -> int:
        try:
            with urllib.request.urlopen(f"{live_url}/oid4vci/token", data=form, timeout=30) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(8)))
    assert statuses == [200] + [400] * 7
    assert count(session, Oid4vciAccessToken) == 1
