"""OpenID4VCI 1.0 from outside: Sphereon's client (npm @sphereon/oid4vci-client) receives both formats
from the live https://badges.test over real HTTP, and the outside verifiers accept what it received.

The clock is not frozen here: the client dates its key proof by the real time, as a phone would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from badges.models import BoundCredential, Oid4vciOffer
from badges.services.credentials import oid4vci
from badges.services.crypto import jws
from tests.factories import make_award
from tests.interop import harness

pytestmark = pytest.mark.interop

LDP = "OpenBadgeCredential_ldp_vc"
JWT = "OpenBadgeCredential_jwt_vc_json"


@pytest.fixture
def offer(session, keyring, links, live_url) -> oid4vci.NewOffer:
    moment = datetime.now(UTC).replace(microsecond=0)
    award = make_award(session, keyring, links, moment - timedelta(minutes=1), email="awa@example.org")
    made = oid4vci.create_offer(
        session, credential=award, links=links, now=moment, ttl=timedelta(days=7), with_tx_code=True
    )
    session.commit()
    return made


def test_sphereon_receives_the_data_integrity_credential_bound_to_its_did(
    network, node_tools, session, offer
):
    run = harness.oid4vci_wallet(offer.deep_link, LDP, network, tx_code=offer.tx_code)
    assert run.ok, run.output
    credential, did = run.report["credential"], run.report["did"]
    assert did.startswith("did:key:z6Mk") and credential["credentialSubject"]["id"] == did
    assert run.report["refusedFetches"] == []
    digital_bazaar = harness.ob3_verify_di(credential, network)
    assert digital_bazaar.ok, digital_bazaar.output
    dcc = harness.ob3_verifier_core(credential, network)
    assert dcc.ok, dcc.output
    session.rollback()
    assert session.scalars(select(BoundCredential.holder_did)).all() == [did]


def test_sphereon_receives_the_vc_jwt_bound_to_its_did(network, node_tools, offer):
    run = harness.oid4vci_wallet(offer.deep_link, JWT, network, tx_code=offer.tx_code)
    assert run.ok, run.output
    token, did = run.report["credential"], run.report["did"]
    assert jws.unverified_parts(token)[1]["credentialSubject"]["id"] == did
    checked = harness.ob3_verify_jwt(token, network)
    assert checked.ok, checked.output
    assert checked.report["problems"] == []


def test_a_replayed_pre_authorized_code_is_refused(network, node_tools, session, offer):
    run = harness.oid4vci_wallet(offer.deep_link, LDP, network, tx_code=offer.tx_code, mode="replay")
    assert run.ok, run.output
    assert run.report["refusal"] == "invalid_grant"
    session.rollback()
    assert session.scalars(select(BoundCredential)).all() == []
    assert session.scalars(select(Oid4vciOffer.redeemed_at)).one() is not None


def test_a_key_proof_signed_by_another_key_is_refused(network, node_tools, session, offer):
    run = harness.oid4vci_wallet(offer.deep_link, LDP, network, tx_code=offer.tx_code, mode="bad-proof")
    assert run.ok, run.output
    assert run.report["refusal"] == "invalid_proof"
    session.rollback()
    assert session.scalars(select(BoundCredential)).all() == []
