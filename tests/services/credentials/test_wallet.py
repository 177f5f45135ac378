"""Holder-bound credentials: signed for the wallet's DID, recognised by the register, reached by revocation,
erasure and expiry like the award itself."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from badges.models import BoundCredential, Credential, Oid4vciAccessToken, Oid4vciOffer, WalletOffer
from badges.services import verification
from badges.services.credentials import issuance, oid4vci, revocation, wallet, wallet_exchange
from badges.services.crypto import dids
from badges.services.crypto.multibase import b58encode
from badges.services.openbadges.contexts import schema_errors
from badges.services.shared.errors import InvalidInput, RuleError
from badges.services.verification.sources import LocalSource
from tests.factories import count, make_award, make_badge_class, make_beneficiary, make_issuer


def did_key_ed25519() -> str:
    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return "did:key:z" + b58encode(b"\xed\x01" + raw)


def did_key_p256() -> str:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    )
    return "did:key:z" + b58encode(b"\x80\x24" + point)


def did_jwk() -> str:
    raw = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    return "did:jwk:" + base64.urlsafe_b64encode(json.dumps(jwk).encode()).decode().rstrip("=")


@pytest.fixture
def award(session, keyring, links, now) -> Credential:
    return make_award(session, keyring, links, now)


def bind(session, keyring, links, now, award, fmt="ldp_vc", did=None) -> BoundCredential:
    return wallet.issue_bound_credential(
        session, credential=award, holder_did=did or did_key_ed25519(), fmt=fmt, keyring=keyring,
        links=links, now=now,
    )  # fmt: skip


def verify(value, session, links, now):
    return verification.verify_value(value, source=LocalSource(session, links), now=now)


def test_bound_credential_names_the_holder_did_and_keeps_the_award_status(
    session, keyring, links, now, award
):
    holder = did_key_ed25519()
    bound = bind(session, keyring, links, now + timedelta(days=1), award, did=holder)
    document = json.loads(bound.document)
    original = json.loads(award.ob3_credential)
    assert document["credentialSubject"]["id"] == holder
    assert document["id"] == f"urn:uuid:{bound.public_id}" != original["id"]
    assert document["credentialStatus"] == original["credentialStatus"]
    assert document["credentialSubject"]["achievement"] == original["credentialSubject"]["achievement"]
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert bound.holder_did == holder and bound.format == "ldp_vc"
    assert schema_errors(document) == []


def test_register_recognises_a_bound_credential_as_its_own(session, keyring, links, now, award):
    bound = bind(session, keyring, links, now, award)
    report = verify(json.loads(bound.document), session, links, now)
    assert report.valid, report.to_dict()
    messages = {c.name: c for c in report.checks}
    assert messages["issuer"].passed and messages["status"].passed
    # Answered by the register (its own database), not by the general checks on published documents.
    assert "registre" in messages["issuer"].message and "registre" in messages["status"].message
    assert report.format == "ob3-data-integrity"


def test_bound_vc_jwt_is_verified_against_the_register(session, keyring, links, now, award):
    holder = did_jwk()
    bound = bind(session, keyring, links, now, award, fmt="jwt_vc_json", did=holder)
    report = verify(bound.document, session, links, now)
    assert report.valid, report.to_dict()
    assert report.format == "ob3-jwt"
    assert "registre" in {c.name: c for c in report.checks}["issuer"].message
    assert report.summary["id"] == f"urn:uuid:{bound.public_id}"


def test_tampered_bound_credential_fails_its_signature(session, keyring, links, now, award):
    document = json.loads(bind(session, keyring, links, now, award).document)
    document["credentialSubject"]["id"] = did_key_ed25519()
    report = verify(document, session, links, now)
    assert not report.valid


@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json"])
def test_revoking_the_award_reports_its_bound_forms_revoked(session, keyring, links, now, award, fmt):
    bound = bind(session, keyring, links, now, award, fmt=fmt)
    revocation.revoke(session, keyring, credential=award, reason="Erreur", links=links, now=now)
    value = json.loads(bound.document) if fmt == "ldp_vc" else bound.document
    report = verify(value, session, links, now)
    assert not report.valid
    assert not {c.name: c.passed for c in report.checks}["status"]


def test_erasing_the_award_deletes_its_bound_forms_and_every_wallet_offer(
    session, keyring, links, now, award
):
    bound = bind(session, keyring, links, now, award)
    bind(session, keyring, links, now, award, fmt="jwt_vc_json")
    document = json.loads(bound.document)
    ttl = timedelta(days=7)
    wallet_exchange.create_offer(session, credential=award, created_by="holder", ttl=ttl, now=now)
    made = oid4vci.create_offer(session, credential=award, links=links, now=now, ttl=ttl, with_tx_code=False)
    offer = oid4vci.offer_document(session, ref=made.offer_uri.rsplit("/", 1)[1], links=links, now=now)
    assert offer is not None
    code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"]
    grant = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": code,
    }
    oid4vci.exchange_code(session, form=grant, now=now)
    session.flush()
    assert (
        count(session, WalletOffer),
        count(session, Oid4vciOffer),
        count(session, Oid4vciAccessToken),
    ) == (1, 1, 1)
    revocation.erase(session, keyring, credential=award, links=links, now=now)
    session.flush()
    assert count(session, BoundCredential) == 0
    assert (
        count(session, WalletOffer),
        count(session, Oid4vciOffer),
        count(session, Oid4vciAccessToken),
    ) == (0, 0, 0)
    assert award.revoked_at is not None  # the PII-free revocation entry stays
    assert not verify(document, session, links, now).valid


def test_expired_bound_credential_is_reported_expired(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now, validity_days=10)
    person = make_beneficiary(session, issuer, now)
    award = issuance.award(session, keyring, badge_class=badge, beneficiary=person, links=links, now=now)
    document = json.loads(bind(session, keyring, links, now + timedelta(days=1), award).document)
    assert document["validUntil"] == json.loads(award.ob3_credential)["validUntil"]
    assert verify(document, session, links, now + timedelta(days=2)).valid
    report = verify(document, session, links, now + timedelta(days=11))
    assert not report.valid
    assert not {c.name: c.passed for c in report.checks}["validity"]


@pytest.mark.parametrize("state", ["revoked", "erased", "expired"])
def test_a_revoked_erased_or_expired_award_is_not_bound(session, keyring, links, now, award, state):
    if state == "revoked":
        revocation.revoke(session, keyring, credential=award, reason="Erreur", links=links, now=now)
    elif state == "erased":
        revocation.erase(session, keyring, credential=award, links=links, now=now)
    else:
        award.valid_until = now - timedelta(seconds=1)
    with pytest.raises(RuleError):
        bind(session, keyring, links, now, award)
    assert count(session, BoundCredential) == 0


@pytest.mark.parametrize(
    "did",
    ["did:web:example.org", "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "did:key:z6Mk",
     "did:jwk:eyJrdHkiOiJvY3QiLCJrIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUEifQ", "urn:uuid:1", 42, "x" * 3000],
)  # fmt: skip
def test_holder_did_must_be_a_did_key_or_did_jwk(session, keyring, links, now, award, did):
    with pytest.raises(InvalidInput) as caught:
        bind(session, keyring, links, now, award, did=did)
    assert "holder_did" in caught.value.fields


def test_unknown_format_is_refused(session, keyring, links, now, award):
    with pytest.raises(InvalidInput) as caught:
        bind(session, keyring, links, now, award, fmt="mso_mdoc")
    assert "format" in caught.value.fields


@pytest.mark.parametrize("make", [did_key_ed25519, did_key_p256, did_jwk])
def test_holder_dids_resolve_to_their_key(make):
    holder = dids.resolve(make())
    assert holder.names_method(holder.method_id)
    assert holder.names_method(holder.method_id[len(holder.did) :])
    assert not holder.names_method("did:key:other#x")
    assert isinstance(holder.public_key, Ed25519PublicKey | ec.EllipticCurvePublicKey)
