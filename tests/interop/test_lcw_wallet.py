"""The Learner Credential Wallet's exchange played from outside (issue 15): the Digital Bazaar JS stack
creates a did:key, follows the VC-API exchange over real HTTP, signs the DID-Auth presentation and
receives a badge naming its DID, which the outside verifiers accept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badges.models import BoundCredential
from badges.services.credentials import revocation, wallet_exchange
from tests.factories import count, make_award
from tests.interop import harness

pytestmark = pytest.mark.interop


@pytest.fixture
def offer(session, keyring, links, now, live_url):
    award = make_award(session, keyring, links, now, email="awa@example.org")
    made, token = wallet_exchange.create_offer(
        session, credential=award, created_by=wallet_exchange.HOLDER, ttl=timedelta(days=7), now=now
    )
    found = wallet_exchange.offer_links(
        links, token=token, challenge=made.challenge, issuer_id=links.issuer(award.issuer.slug)
    )
    session.commit()
    return {"award": award, "links": found}


@pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022"])
def test_the_wallet_receives_a_badge_for_its_did_that_outside_verifiers_accept(
    network, node_tools, session, offer, suite
):
    result = harness.lcw_wallet(offer["links"].lcw, network, suite=suite)
    assert result.ok, result.output
    credential, did = result.report["credential"], result.report["did"]
    assert did.startswith("did:key:z6Mk") and credential["credentialSubject"]["id"] == did
    assert result.report["selfCheck"] is True  # the wallet's own check of what it signed
    assert [step["status"] for step in result.report["steps"]] == [200, 200]
    digital_bazaar = harness.ob3_verify_di(credential, network)
    assert digital_bazaar.ok, digital_bazaar.output
    dcc = harness.ob3_verifier_core(credential, network)
    assert dcc.ok, dcc.output


def test_the_interaction_url_leads_the_wallet_to_the_exchange(network, node_tools, offer):
    result = harness.lcw_wallet(offer["links"].interaction, network)
    assert result.ok, result.output
    assert [step["status"] for step in result.report["steps"]] == [200, 200, 200]


@pytest.mark.parametrize(
    ("tamper", "error"),
    [("challenge", "invalid_challenge"), ("domain", "invalid_domain"), ("proof", "invalid_proof"),
     ("holder", "invalid_proof")],
)  # fmt: skip
def test_a_bad_presentation_is_refused_and_changes_nothing(
    network, node_tools, session, offer, tamper, error
):
    result = harness.lcw_wallet(offer["links"].lcw, network, tamper=tamper)
    assert not result.ok
    last = result.report["steps"][-1]
    assert last["status"] == 400 and last["body"]["error"] == error, result.output
    session.expire_all()
    assert count(session, BoundCredential) == 0


def test_a_replayed_presentation_is_refused(network, node_tools, session, offer):
    result = harness.lcw_wallet(offer["links"].lcw, network, replay=True)
    assert result.ok, result.output
    replayed = result.report["steps"][-1]
    assert replayed["status"] == 410 and replayed["body"]["error"] == "exchange_used"
    session.expire_all()
    assert count(session, BoundCredential) == 1


def test_revoking_the_award_reaches_the_wallets_copy(
    network, node_tools, session, keyring, links, now, offer
):
    result = harness.lcw_wallet(offer["links"].lcw, network)
    assert result.ok, result.output
    session.expire_all()
    award = session.merge(offer["award"])
    revocation.revoke(session, keyring, credential=award, reason="Délivré par erreur", links=links, now=now)
    session.commit()
    judged = harness.ob3_verify_di(result.report["credential"], network)
    assert not judged.ok and judged.report["revoked"] is True, judged.output


def test_the_legacy_dccrequest_link_works_from_outside(network, node_tools, offer):
    result = harness.lcw_wallet(offer["links"].dcc, network)
    assert result.ok, result.output
    assert "domain" not in result.report["vp"]["proof"]  # as the legacy LCW signs it
    credential = result.report["credential"]
    assert credential["credentialSubject"]["id"] == result.report["did"]
    judged = harness.ob3_verify_di(credential, network)
    assert judged.ok, judged.output
