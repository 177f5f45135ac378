"""Credentials issued by the running app, judged by the independent validators (standards guide, Part C)."""

from __future__ import annotations

import base64
import json
import urllib.request

import pytest

from badges.models import Credential
from badges.services import formats
from badges.services import status as status_service
from badges.services.openbadges.contexts import schema_errors
from tests.factories import make_award
from tests.interop import harness

pytestmark = pytest.mark.interop


def fetch(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/ld+json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own live server
        return json.loads(response.read())


def published_documents(credential: dict) -> dict[str, dict]:
    """What an online verifier would GET: the key, the issuer's controller document, the status list."""
    method = credential["proof"][0]["verificationMethod"]
    issuer_url = credential["issuer"]["id"]
    key_id = method.split("#key-", 1)[1]
    status_url = credential["credentialStatus"]["statusListCredential"]
    return {
        method: fetch(f"{issuer_url}/keys/{key_id}"),
        issuer_url: fetch(issuer_url),
        status_url: fetch(status_url),
    }


@pytest.fixture
def issued(session, keyring, links, now, live_url) -> Credential:
    credential = make_award(session, keyring, links, now, email="awa@example.org")
    session.commit()
    return credential


def revoke(session, keyring, links, now, *credentials: Credential) -> None:
    for credential in credentials:
        credential.revoked_at = now
        credential.revocation_reason = "Délivré par erreur"
    status_service.sign_list(session, keyring, status_list=credentials[0].status_list, links=links, now=now)
    session.commit()


def test_ob2_hosted_assertion_passes_the_1edtech_validator(ob2_venv, issued, links):
    result = harness.ob2_validate(links.ob2_assertion(issued.public_id), recipient_email="awa@example.org")
    assert result.ok, result.output
    assert result.report["blocked"] == []


def test_ob2_validator_rejects_the_wrong_recipient(ob2_venv, issued, links):
    result = harness.ob2_validate(links.ob2_assertion(issued.public_id), recipient_email="other@example.org")
    assert not result.ok
    assert "VERIFY_RECIPIENT_IDENTIFIER" in result.output


def test_ob2_validator_sees_a_revoked_hosted_assertion(ob2_venv, session, keyring, links, now, issued):
    revoke(session, keyring, links, now, issued)
    result = harness.ob2_validate(links.ob2_assertion(issued.public_id), recipient_email="awa@example.org")
    assert not result.ok, result.output


def test_ob3_credential_passes_the_json_schema(issued):
    assert schema_errors(json.loads(issued.ob3_credential)) == []


def test_ob3_credential_passes_the_digital_bazaar_verifier(node_tools, issued):
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verify_di(credential, published_documents(credential))
    assert result.ok, result.output
    assert result.report["verified"] is True and result.report["revoked"] is False


def test_digital_bazaar_rejects_a_tampered_credential(node_tools, issued):
    credential = json.loads(issued.ob3_credential)
    documents = published_documents(credential)
    credential["credentialSubject"]["result"][0]["value"] = "N4"
    result = harness.ob3_verify_di(credential, documents)
    assert not result.ok
    assert result.report["verified"] is False


def test_digital_bazaar_sees_the_revocation_in_the_status_list(
    node_tools, session, keyring, links, now, issued
):
    revoke(session, keyring, links, now, issued)
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verify_di(credential, published_documents(credential))
    assert not result.ok
    assert result.report["verified"] is True and result.report["revoked"] is True


def test_ob3_credential_passes_dcc_verifier_core(node_tools, issued):
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verifier_core(credential, published_documents(credential))
    assert result.ok, result.output
    assert result.report["schema_check"]["valid"] is True


def test_dcc_verifier_core_reports_the_revocation(node_tools, session, keyring, links, now, issued):
    revoke(session, keyring, links, now, issued)
    credential = json.loads(issued.ob3_credential)
    result = harness.ob3_verifier_core(credential, published_documents(credential))
    assert not result.ok
    revocation = [entry for entry in result.report["log"] if entry["id"] == "revocation_status"]
    assert revocation and revocation[0]["valid"] is False


def test_vc_jwt_passes_jose_against_the_published_jwks(node_tools, session, keyring, links, issued):
    token = formats.ob3_jwt(session, keyring, credential=issued, links=links)
    session.commit()
    jwks = fetch(links.jwks(issued.issuer.slug))
    result = harness.ob3_verify_jwt(token, jwks)
    assert result.ok, result.output
    assert fetch(links.base + "/.well-known/jwks.json")["keys"]  # the recommended location serves them too


def test_jose_rejects_a_tampered_vc_jwt(node_tools, session, keyring, links, issued):
    token = formats.ob3_jwt(session, keyring, credential=issued, links=links)
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["result"][0]["value"] = "N4"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    result = harness.ob3_verify_jwt(f"{head}.{forged}.{signature}", fetch(links.jwks(issued.issuer.slug)))
    assert not result.ok


def test_signed_ob2_assertion_passes_the_1edtech_validator(ob2_venv, session, keyring, links, issued):
    token = formats.ob2_signed(session, keyring, credential=issued, links=links)
    session.commit()
    result = harness.ob2_validate(token, recipient_email="awa@example.org")
    assert result.ok, result.output


@pytest.mark.parametrize("revoked_count", [1, 2])
def test_1edtech_validator_sees_revoked_signed_assertions(
    ob2_venv, session, keyring, links, now, issued, revoked_count
):
    """One revoked badge already gives two list entries (hosted URL and urn:uuid): see standards C1.5."""
    others = [
        make_award(session, keyring, links, now, issuer=issued.issuer) for _ in range(revoked_count - 1)
    ]
    token = formats.ob2_signed(session, keyring, credential=issued, links=links)
    revoke(session, keyring, links, now, issued, *others)
    revocations = fetch(links.ob2_revocations(issued.issuer.slug))["revokedAssertions"]
    assert len(revocations) == 2 * revoked_count
    result = harness.ob2_validate(token, recipient_email="awa@example.org")
    assert not result.ok
    assert "REVOKED" in result.output.upper()
