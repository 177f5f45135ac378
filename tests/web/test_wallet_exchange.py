"""'Ajouter à mon portefeuille' and the LCW's VC-API exchange, over the app: offer, DID-Auth, bound badge."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from badges import db
from badges.models import BoundCredential, LoginAttempt, SigningKey, WalletOffer
from badges.services import verification
from badges.services.credentials import revocation, signing_keys
from badges.services.holders import private_link
from badges.services.verification.sources import LocalSource
from tests.factories import count, make_award
from tests.wallet_holder import Wallet

HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


@pytest.fixture
def holder(app, session, keyring, links, now):
    credential = make_award(session, keyring, links, now)
    token = private_link.private_token(
        session, beneficiary=credential.beneficiary, secret=app.config["LINK_SECRET"].encode(), now=now
    )
    session.commit()
    return {"credential": credential, "badge": f"/mes-badges/{token}/{credential.public_id}"}


def make_offer(client, holder) -> dict[str, str]:
    """The holder's button, then the wallet's links read from the page (the QR code's text)."""
    response = client.post(holder["badge"] + "/portefeuille", headers=HTML)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    lcw = re.search(r'data-wallet-link="([^"]+)"', page).group(1)
    dcc = re.search(r'href="(dccrequest://[^"]+)"', page).group(1)
    request = json.loads(parse_qs(urlsplit(lcw).query)["request"][0])
    return {"page": page, "lcw": lcw, "dcc": dcc, "vcapi": request["protocols"]["vcapi"]}


def local(url: str) -> str:
    return urlsplit(url).path


def request_of(client, vcapi: str) -> dict:
    response = client.post(local(vcapi), json={}, headers=JSON)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["verifiablePresentationRequest"]


def test_the_wallet_gets_a_badge_bound_to_its_did(app, client, session, links, now, holder):
    offer = make_offer(client, holder)
    assert offer["lcw"].startswith("https://lcw.app/request?request=")
    assert "Ouvrir mon portefeuille" in offer["page"] and "Ces codes marchent une seule fois" in offer["page"]
    interaction = client.get(local(offer["vcapi"]).removesuffix("/vcapi") + "?iuv=1", headers=JSON)
    assert interaction.get_json() == {"protocols": {"vcapi": offer["vcapi"]}}
    vpr = request_of(client, offer["vcapi"])
    assert vpr["query"][0]["type"] == "DIDAuthentication"
    assert vpr["domain"] == urlsplit(links.base).netloc and len(vpr["challenge"]) >= 32
    wallet = Wallet()
    signed = wallet.present(challenge=vpr["challenge"], domain=vpr["domain"])
    response = client.post(local(vpr["interact"]["service"][0]["serviceEndpoint"]),
                           json={"verifiablePresentation": signed}, headers=JSON)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    credential = response.get_json()["verifiablePresentation"]["verifiableCredential"][0]
    assert credential["credentialSubject"]["id"] == wallet.did
    assert (
        credential["credentialStatus"] == json.loads(holder["credential"].ob3_credential)["credentialStatus"]
    )
    session.expire_all()
    report = verification.verify_value(credential, source=LocalSource(session, links), now=now)
    assert report.valid, report.to_dict()
    assert count(session, BoundCredential) == 1


@pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
def test_both_proof_suites_are_accepted(client, holder, suite):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    signed = Wallet().present(challenge=vpr["challenge"], domain=vpr["domain"], suite=suite)
    response = client.post(local(offer["vcapi"]), json={"verifiablePresentation": signed}, headers=JSON)
    assert response.status_code == 200, response.get_json()


def refused(client, offer, presentation) -> tuple[int, str]:
    response = client.post(local(offer["vcapi"]), json={"verifiablePresentation": presentation}, headers=JSON)
    return response.status_code, response.get_json()["error"]


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda vpr: {"challenge": vpr["challenge"] + "x", "domain": vpr["domain"]}, "invalid_challenge"),
        (lambda vpr: {"challenge": vpr["challenge"], "domain": "evil.example"}, "invalid_domain"),
        (lambda vpr: {"challenge": vpr["challenge"], "domain": vpr["domain"], "purpose": "assertionMethod"},
         "invalid_proof"),
    ],
)  # fmt: skip
def test_a_bad_challenge_domain_or_proof_is_refused_and_changes_nothing(
    client, session, holder, tamper, code
):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    wallet = Wallet()
    assert refused(client, offer, wallet.present(**tamper(vpr))) == (400, code)
    forged = wallet.present(challenge=vpr["challenge"], domain=vpr["domain"])
    forged["holder"] = Wallet().did
    assert refused(client, offer, forged) == (400, "invalid_proof")
    assert count(session, BoundCredential) == 0
    # Still usable by the real wallet afterwards: the refused steps used nothing up.
    good = wallet.present(challenge=vpr["challenge"], domain=vpr["domain"])
    assert client.post(local(offer["vcapi"]), json={"verifiablePresentation": good}).status_code == 200


def test_a_replayed_exchange_is_refused(client, session, holder):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    signed = Wallet().present(challenge=vpr["challenge"], domain=vpr["domain"])
    assert client.post(local(offer["vcapi"]), json={"verifiablePresentation": signed}).status_code == 200
    assert refused(client, offer, signed) == (410, "exchange_used")
    assert client.post(local(offer["vcapi"]), json={}).get_json()["error"] == "exchange_used"
    assert count(session, BoundCredential) == 1


def test_an_expired_offer_is_refused(app, client, session, now, holder):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    app.config["CLOCK"].frozen = now + timedelta(days=7, seconds=1)
    signed = Wallet().present(challenge=vpr["challenge"], domain=vpr["domain"])
    assert refused(client, offer, signed) == (410, "exchange_expired")
    assert count(session, BoundCredential) == 0


def test_the_offer_lifetime_is_configurable(app, client, session, now, holder, monkeypatch):
    monkeypatch.setitem(app.config, "WALLET_OFFER_TTL", 60)
    make_offer(client, holder)
    offer = session.scalars(select(WalletOffer)).one()
    assert offer.expires_at - offer.created_at == timedelta(seconds=60)


def test_the_page_offers_other_wallets_the_openid4vci_offer_and_its_code(client, session, holder):
    """Issue 15: after the LCW's code, "Autre application de portefeuille" with the OpenID4VCI offer
    (by reference) and its transaction code, which the token endpoint accepts once."""
    page = make_offer(client, holder)["page"]
    lcw, other = re.findall(r'data-wallet-link="([^"]+)"', page)
    assert lcw.startswith("https://lcw.app/") and other.startswith("openid-credential-offer://?")
    assert page.index("Ouvrir mon portefeuille") < page.index("Autre application de portefeuille")
    assert f'href="{other}"' in page
    tx_code = re.search(r"data-tx-code><strong>(\d{6})</strong>", page).group(1)
    offer_uri = parse_qs(urlsplit(other).query)["credential_offer_uri"][0]
    document = client.get(local(offer_uri)).get_json()
    grant = document["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert grant["tx_code"]["length"] == 6
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": grant["pre-authorized_code"]}  # fmt: skip
    assert client.post("/oid4vci/token", data={**form, "tx_code": "x" + tx_code}).status_code == 400
    assert client.post("/oid4vci/token", data={**form, "tx_code": tx_code}).status_code == 200
    assert client.post("/oid4vci/token", data={**form, "tx_code": tx_code}).status_code == 400


def test_the_wallet_page_speaks_english_too(client, holder):
    response = client.post(holder["badge"] + "/portefeuille?lang=en", headers=HTML)
    page = html.unescape(response.get_data(as_text=True))
    assert "Other wallet app" in page and "These codes work only once" in page
    assert "Autre application" not in page


def test_a_revoked_badge_cannot_be_offered_nor_fetched(client, session, keyring, links, now, holder):
    offer = make_offer(client, holder)
    revocation.revoke(
        session, keyring, credential=holder["credential"], reason="Erreur", links=links, now=now
    )
    session.commit()
    assert client.post(local(offer["vcapi"]), json={}).get_json()["error"] == "credential_unavailable"
    assert client.post(holder["badge"] + "/portefeuille", headers=HTML).status_code == 422


def test_a_badge_its_issuer_can_no_longer_sign_is_refused_as_unavailable(client, session, now, holder):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    for key in session.scalars(select(SigningKey)):
        signing_keys.mark_compromised(key, since=now, now=now)
    session.commit()
    signed = Wallet().present(challenge=vpr["challenge"], domain=vpr["domain"])
    assert refused(client, offer, signed) == (410, "credential_unavailable")
    session.expire_all()
    assert count(session, BoundCredential) == 0
    assert session.scalars(select(WalletOffer)).one().used_at is None


def test_the_legacy_dcc_request_link_works(client, session, holder):
    offer = make_offer(client, holder)
    query = parse_qs(urlsplit(offer["dcc"]).query)
    assert offer["dcc"].startswith("dccrequest://request?") and query["auth_type"] == ["bearer"]
    wallet = Wallet()
    # The legacy LCW signs the challenge only (no domain); the VC-API exchange requires the domain.
    signed = wallet.present(challenge=query["challenge"][0], domain=None)
    assert refused(client, offer, signed) == (400, "invalid_domain")
    response = client.post(local(unquote(query["vc_request_url"][0])), json=signed, headers=JSON)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["credentialSubject"]["id"] == wallet.did


def test_unknown_exchanges_and_bad_proofs_are_throttled(app, client, session, now, holder):
    for n in range(30):
        assert client.post(f"/wallet/exchanges/unknown-{n}/vcapi", json={}).status_code == 404
    offer = make_offer(client, holder)
    blocked = client.post(local(offer["vcapi"]), json={})
    assert blocked.status_code == 429 and blocked.get_json()["error"] == "too_many_requests"
    kinds = session.scalar(select(func.count()).where(LoginAttempt.kind == "wallet"))
    assert kinds == 30
    app.config["CLOCK"].frozen = now + timedelta(minutes=16)
    later = client.post(local(offer["vcapi"]), json={})
    assert later.status_code == 200, later.get_json()


def test_the_interaction_url_counts_unknown_exchanges_in_a_writing_transaction(app, client, session):
    """A GET that writes: on SQLite a deferred read transaction could not then take the write lock
    whenever another request committed meanwhile ("database is locked" at once)."""
    with app.test_request_context("/wallet/exchanges/unknown?iuv=1"):
        assert db.will_write()
    response = client.get("/wallet/exchanges/unknown?iuv=1")
    assert response.status_code == 404 and response.get_json()["error"] == "unknown_exchange"
    assert session.scalar(select(func.count()).where(LoginAttempt.kind == "wallet")) == 1


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'{"verifiablePresentation": 42}'])
def test_unreadable_bodies_are_protocol_errors(client, holder, body):
    offer = make_offer(client, holder)
    response = client.post(local(offer["vcapi"]), data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_presentation"


def test_erasure_deletes_offers_and_bound_badges(client, session, keyring, links, now, holder):
    offer = make_offer(client, holder)
    vpr = request_of(client, offer["vcapi"])
    signed = Wallet().present(challenge=vpr["challenge"], domain=vpr["domain"])
    client.post(local(offer["vcapi"]), json={"verifiablePresentation": signed})
    make_offer(client, holder)
    session.expire_all()
    revocation.erase(session, keyring, credential=holder["credential"], links=links, now=now)
    session.commit()
    assert count(session, BoundCredential) == 0 and count(session, WalletOffer) == 0


def test_the_badge_page_offers_the_wallet_in_french(client, holder):
    text = html.unescape(client.get(holder["badge"], headers=HTML).get_data(as_text=True))
    assert "Ajouter à mon portefeuille" in text
    assert "Avec votre téléphone, gardez ce badge dans votre portefeuille." in text


def test_the_badge_page_offers_the_wallet_in_english(client, holder):
    # The first request of a test fixes the locale of its app context: English is asked first here.
    english = client.get(holder["badge"] + "?lang=en", headers=HTML).get_data(as_text=True)
    assert "Add to my wallet" in html.unescape(english)
