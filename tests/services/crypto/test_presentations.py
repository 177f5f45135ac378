"""DID-Authentication presentations: the Digital Bazaar stack's own output verifies, every tampering fails."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from badges.services.crypto import CryptoError, presentations
from badges.services.crypto.multibase import b58encode
from tests.wallet_holder import Wallet

DATA = Path(__file__).resolve().parents[2] / "data" / "wallet"
CHALLENGE, DOMAIN = "challenge-from-the-test", "badges.test"
SUITES = ["Ed25519Signature2020", "eddsa-rdfc-2022"]


def made_by_digital_bazaar(suite: str) -> dict:
    """Signed by @digitalbazaar/vc 7.3 with ed25519-signature-2020 5.4 / eddsa-rdfc-2022-cryptosuite 1.3
    (tools/interop), for this challenge and domain."""
    return json.loads((DATA / f"did-auth-{suite}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("suite", SUITES)
def test_digital_bazaar_presentations_verify(suite):
    presentation = made_by_digital_bazaar(suite)
    holder = presentations.verify_did_auth(presentation, challenge=CHALLENGE, domain=DOMAIN)
    assert holder.did == presentation["holder"]


@pytest.mark.parametrize("suite", SUITES)
def test_the_test_wallet_signs_like_digital_bazaar(suite):
    wallet = Wallet()
    presentation = wallet.present(challenge=CHALLENGE, domain=DOMAIN, suite=suite)
    assert presentations.verify_did_auth(presentation, challenge=CHALLENGE, domain=DOMAIN).did == wallet.did


def tampered(suite: str, change) -> dict:
    presentation = copy.deepcopy(made_by_digital_bazaar(suite))
    change(presentation)
    return presentation


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: p["proof"].update(proofValue="z" + b58encode(bytes(range(64)))), "bad_signature"),
        (lambda p: p["proof"].update(proofValue="not-multibase"), "malformed_proof"),
        (lambda p: p["proof"].update(created="2020-01-01T00:00:00Z"), "bad_signature"),
        (lambda p: p.update(id="urn:uuid:00000000-0000-4000-8000-000000000000"), "bad_signature"),
        (lambda p: p["proof"].update(proofPurpose="assertionMethod"), "wrong_proof_purpose"),
        (lambda p: p["proof"].update(challenge="another"), "wrong_challenge"),
        (lambda p: p["proof"].pop("challenge"), "wrong_challenge"),
        (lambda p: p["proof"].update(domain="evil.example"), "wrong_domain"),
        (lambda p: p["proof"].update(verificationMethod="did:key:z6Mkother#z6Mkother"), "wrong_controller"),
        (lambda p: p.update(holder=Wallet().did), "wrong_controller"),
        (lambda p: p.update(holder="did:web:evil.example"), "unknown_key"),
        (lambda p: p.update(type=["VerifiableCredential"]), "malformed_presentation"),
        (lambda p: p.update(proof=[p["proof"], p["proof"]]), "malformed_proof"),
        (lambda p: p["proof"].update(type="JsonWebSignature2020"), "unknown_cryptosuite"),
    ],
)
def test_tampered_presentations_are_refused_with_a_code(suite, change, code):
    with pytest.raises(CryptoError) as caught:
        presentations.verify_did_auth(tampered(suite, change), challenge=CHALLENGE, domain=DOMAIN)
    assert caught.value.code == code


@pytest.mark.parametrize("value", [None, [], "text", {"type": "VerifiablePresentation"}])
def test_what_is_not_a_presentation_is_refused(value):
    with pytest.raises(CryptoError):
        presentations.verify_did_auth(value, challenge=CHALLENGE, domain=DOMAIN)


def test_a_domain_among_several_is_accepted():
    # Data Integrity §2.1: `domain` may be a set of strings; this service's must be one of them.
    wallet = Wallet()
    presentation = wallet.present(challenge=CHALLENGE, domain=["other.example", DOMAIN])
    assert presentations.verify_did_auth(presentation, challenge=CHALLENGE, domain=DOMAIN).did == wallet.did


def test_the_legacy_flow_may_leave_the_domain_out_but_not_name_another():
    wallet = Wallet()
    bare = wallet.present(challenge=CHALLENGE, domain="x")
    bare["proof"].pop("domain")
    with pytest.raises(CryptoError) as caught:
        presentations.verify_did_auth(bare, challenge=CHALLENGE, domain=DOMAIN)
    assert caught.value.code == "wrong_domain"
    other = wallet.present(challenge=CHALLENGE, domain="evil.example")
    with pytest.raises(CryptoError) as caught:
        presentations.verify_did_auth(other, challenge=CHALLENGE, domain=DOMAIN, domain_optional=True)
    assert caught.value.code == "wrong_domain"
