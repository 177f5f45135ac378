"""Credentials issued by the running app, judged by the independent validators.

See docs/standards.md#S-validators.

The validators fetch every published document over HTTP from the live https://badges.test (conftest.py).
"""

from __future__ import annotations

import base64
import json

import pytest

from badges.models import Credential
from badges.services.credentials import formats, status_lists
from badges.services.openbadges.contexts import schema_errors
from tests.factories import make_award
from tests.interop import harness

pytestmark = pytest.mark.interop


@pytest.fixture
def issued(session, keyring, links, now, live_url) -> Credential:
    credential = make_award(session, keyring, links, now, email="awa@example.org")
    session.commit()
    return credential


def revoke(session, keyring, links, now, *credentials: Credential) -> None:
    for credential in credentials:
        credential.revoked_at = now
        credential.revocation_reason = "Délivré par erreur"
    status_lists.sign_list(session, keyring, status_list=credentials[0].status_list, links=links, now=now)
    session.commit()


def test_ob2_hosted_assertion_passes_the_1edtech_validator(network, ob2_venv, issued, links):
    result = harness.ob2_validate(
        links.ob2_assertion(issued.public_id), network, recipient_email="awa@example.org"
    )
    assert result.ok, result.output
    assert result.report["blocked"] == []


def test_ob2_validator_rejects_the_wrong_recipient(network, ob2_venv, issued, links):
    result = harness.ob2_validate(
        links.ob2_assertion(issued.public_id), network, recipient_email="other@example.org"
    )
    assert not result.ok
    assert "VERIFY_RECIPIENT_IDENTIFIER" in result.output


def test_ob2_validator_sees_a_revoked_hosted_assertion(
    network, ob2_venv, session, keyring, links, now, issued
):
    revoke(session, keyring, links, now, issued)
    result = harness.ob2_validate(
        links.ob2_assertion(issued.public_id), network, recipient_email="awa@example.org"
    )
    assert not result.ok, result.output


def test_ob3_credential_passes_the_json_schema(issued):
    assert schema_errors(json.loads(issued.ob3_credential)) == []


def test_ob3_credential_passes_the_digital_bazaar_verifier(network, node_tools, issued):
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verify_di(credential, network)
    assert result.ok, result.output
    assert result.report["verified"] is True and result.report["revoked"] is False


def test_digital_bazaar_rejects_a_tampered_credential(network, node_tools, issued):
    credential = json.loads(issued.ob3_credential)
    credential["credentialSubject"]["result"][0]["value"] = "N4"
    result = harness.ob3_verify_di(credential, network)
    assert not result.ok
    assert result.report["verified"] is False


def test_digital_bazaar_sees_the_revocation_in_the_status_list(
    network, node_tools, session, keyring, links, now, issued
):
    revoke(session, keyring, links, now, issued)
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verify_di(credential, network)
    assert not result.ok
    assert result.report["verified"] is True and result.report["revoked"] is True


def test_ob3_credential_passes_dcc_verifier_core(network, node_tools, issued):
    """DCC (behind the Learner Credential Wallet) fetches the proof's key as a network would: no fragment."""
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verifier_core(credential, network)
    assert result.ok, result.output
    assert result.report["schema_check"]["valid"] is True
    method = credential["proof"][0]["verificationMethod"]
    fetched = {f["url"]: f["status"] for f in result.report["fetched"]}
    assert fetched[method] == 200 and fetched[credential["credentialStatus"]["statusListCredential"]] == 200
    assert result.report["refusedFetches"] == []


def test_dcc_verifier_core_reports_the_revocation(network, node_tools, session, keyring, links, now, issued):
    """Refused for revocation, not for the signature."""
    revoke(session, keyring, links, now, issued)
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verifier_core(credential, network)
    assert not result.ok
    steps = {entry["id"]: entry["valid"] for entry in result.report["log"]}
    assert steps["revocation_status"] is False
    assert steps["valid_signature"] is True


def test_vc_jwt_passes_jose_against_the_published_jwks(network, node_tools, session, keyring, links, issued):
    token = formats.ob3_jwt(session, keyring, credential=issued, links=links)
    session.commit()
    result = harness.ob3_verify_jwt(token, network)
    assert result.ok, result.output
    assert network.json(links.base + "/.well-known/jwks.json")["keys"]  # the recommended location serves them


def test_jose_rejects_a_tampered_vc_jwt(network, node_tools, session, keyring, links, issued):
    token = formats.ob3_jwt(session, keyring, credential=issued, links=links)
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["result"][0]["value"] = "N4"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    result = harness.ob3_verify_jwt(f"{head}.{forged}.{signature}", network)
    assert not result.ok


def test_signed_ob2_assertion_passes_the_1edtech_validator(
    network, ob2_venv, session, keyring, links, issued
):
    token = formats.ob2_signed(session, keyring, credential=issued, links=links)
    session.commit()
    result = harness.ob2_validate(token, network, recipient_email="awa@example.org")
    assert result.ok, result.output


@pytest.mark.parametrize("revoked_count", [1, 2])
def test_1edtech_validator_sees_revoked_signed_assertions(
    network, ob2_venv, session, keyring, links, now, issued, revoked_count
):
    """One revoked badge already gives two list entries (hosted URL and urn:uuid): see
    docs/standards.md#S-ob2-validator."""
    others = [
        make_award(session, keyring, links, now, issuer=issued.issuer) for _ in range(revoked_count - 1)
    ]
    token = formats.ob2_signed(session, keyring, credential=issued, links=links)
    revoke(session, keyring, links, now, issued, *others)
    revocations = network.json(links.ob2_revocations(issued.issuer.slug))["revokedAssertions"]
    assert len(revocations) == 2 * revoked_count
    result = harness.ob2_validate(token, network, recipient_email="awa@example.org")
    assert not result.ok
    assert "REVOKED" in result.output.upper()
