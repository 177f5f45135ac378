"""Badges of foreign issuers, end to end: the verifier fetches keys, lists and assertions from their servers.

Each foreign issuer publishes on a local server (127.0.0.1, allow-listed under the name issuer.test), over
plain http or over https with a certificate from the test CA.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.services import verification
from badges.services.openbadges import ob3
from badges.services.verification.sources import LocalSource
from tests.services.verification.conftest import (
    HOST,
    OB2,
    ForeignIssuer,
    LocalServer,
    bitstring_entry,
    make_foreign,
    publish_ob2,
)

KINDS = [("did:key", "http"), ("did:web", "https"), ("https", "http"), ("https", "https")]


def checks(report) -> dict[str, bool]:
    return {c.name: c.passed for c in report.checks}


def message(report, name: str) -> str:
    return next(c.message for c in report.checks if c.name == name)


@pytest.fixture
def verify(session, links, now, fetcher):
    def run(value: Any, **kwargs: Any):
        source = LocalSource(session, links, remote=fetcher)
        return verification.verify_value(value, source=source, now=now, **kwargs)

    return run


@pytest.fixture(params=KINDS, ids=[f"{kind}-over-{scheme}" for kind, scheme in KINDS])
def issuer(request, http_server, https_server, foreign_key) -> ForeignIssuer:
    kind, scheme = request.param
    return make_foreign(kind, https_server if scheme == "https" else http_server, foreign_key)


def with_status(issuer: ForeignIssuer, revoked: set[int], index: int = 42) -> dict[str, Any]:
    url = issuer.publish_status_list("/status/1", revoked)
    return issuer.credential(bitstring_entry(url, index))


def test_a_foreign_credential_is_valid(verify, issuer):
    report = verify(with_status(issuer, revoked={7}))
    assert report.valid, report.to_dict()
    assert report.format == "ob3-data-integrity"
    assert {"contexts", "schema", "signature", "key", "issuer", "status", "validity"} <= set(checks(report))
    assert message(report, "status").startswith("Non révoqué")
    assert report.summary["issuer"]["id"] == issuer.id


def test_a_revoked_foreign_credential_is_invalid(verify, issuer):
    report = verify(with_status(issuer, revoked={7, 42}))
    assert not report.valid
    assert checks(report)["status"] is False
    assert message(report, "status") == "Ce badge a été révoqué par son émetteur."
    assert checks(report)["signature"] and checks(report)["key"]


def test_a_tampered_foreign_credential_is_invalid(verify, issuer):
    tampered = with_status(issuer, revoked=set())
    tampered["credentialSubject"]["achievement"]["name"] = "Programmer en Rust"
    report = verify(tampered)
    assert not report.valid
    assert checks(report)["signature"] is False


def test_a_foreign_credential_verifies_from_its_url(verify, issuer):
    credential = with_status(issuer, revoked=set())
    url = issuer.server.json("/credentials/1", credential)
    report = verify(url)
    assert report.valid, report.to_dict()


def test_a_status_list_signed_by_another_key_is_not_trusted(verify, issuer):
    credential = with_status(issuer, revoked=set())
    impostor = ForeignIssuer(issuer.id, issuer.method, Ed25519PrivateKey.generate(), issuer.server)
    impostor.publish_status_list("/status/1", revoked=set())
    report = verify(credential)
    assert not report.valid
    assert "signature de la liste de statut est invalide" in message(report, "status")


def test_an_unreachable_status_list_makes_the_credential_unverifiable(verify, issuer):
    credential = with_status(issuer, revoked=set())
    del issuer.server.routes["/status/1"]
    report = verify(credential)
    assert not report.valid
    assert "Impossible de vérifier la révocation" in message(report, "status")
    # Unknown status is not a revocation, nor a fake: the badge cannot be checked (issue 13).
    assert (report.outcome, report.cause) == ("unverifiable", "not_found")


@pytest.fixture
def https_issuer(https_server, foreign_key) -> ForeignIssuer:
    return make_foreign("https", https_server, foreign_key)


def revocation_list(issuer: ForeignIssuer, revoked: list[dict[str, Any]]) -> dict[str, Any]:
    url = issuer.server.json(
        "/revocations",
        {"id": issuer.server.url("/revocations"), "issuer": issuer.id, "revokedCredential": revoked},
    )
    return issuer.credential({"id": url, "type": "1EdTechRevocationList"})


def test_a_credential_absent_from_its_1edtech_revocation_list_is_valid(verify, https_issuer):
    other = {"id": "urn:uuid:00000000-0000-4000-8000-000000000000", "revocationReason": "Erreur"}
    report = verify(revocation_list(https_issuer, [other]))
    assert report.valid, report.to_dict()
    assert "liste de révocation 1EdTech" in message(report, "status")


def test_a_credential_in_its_1edtech_revocation_list_is_revoked_with_the_reason(verify, https_issuer):
    credential_id = https_issuer.credential(None)["id"]
    report = verify(revocation_list(https_issuer, [{"id": credential_id, "revocationReason": "Doublon"}]))
    assert not report.valid
    assert message(report, "status") == "Ce badge a été révoqué par son émetteur : Doublon."


def test_a_1edtech_revocation_list_of_another_issuer_is_refused(verify, https_issuer):
    credential = revocation_list(https_issuer, [])
    https_issuer.server.json("/revocations", {"issuer": "https://someone.else/", "revokedCredential": []})
    report = verify(credential)
    assert not report.valid
    assert "n'est pas publiée par l'émetteur" in message(report, "status")


@pytest.mark.parametrize(("revoked", "valid"), [(set(), True), ({42}, False)])
def test_a_suspension_entry_is_checked(verify, https_issuer, revoked, valid):
    url = https_issuer.publish_status_list("/status/s", revoked, purpose="suspension")
    report = verify(https_issuer.credential(bitstring_entry(url, 42, purpose="suspension")))
    assert report.valid is valid, report.to_dict()
    expected = "Non suspendu" if valid else "Ce badge a été suspendu par son émetteur."
    assert message(report, "status").startswith(expected)


def test_revocation_and_suspension_entries_are_both_checked(verify, https_issuer):
    revocation = https_issuer.publish_status_list("/status/r", set())
    suspension = https_issuer.publish_status_list("/status/s", {42}, purpose="suspension")
    credential = https_issuer.credential(
        [bitstring_entry(revocation, 42), bitstring_entry(suspension, 42, purpose="suspension")]
    )
    report = verify(credential)
    assert message(report, "status") == "Ce badge a été suspendu par son émetteur."
    https_issuer.publish_status_list("/status/s", set(), purpose="suspension")
    fresh = verify(credential)
    assert message(fresh, "status").startswith("Ni révoqué ni suspendu")


def test_a_status_list_whose_purpose_differs_from_the_entry_is_refused(verify, https_issuer):
    url = https_issuer.publish_status_list("/status/1", set(), purpose="suspension")
    report = verify(https_issuer.credential(bitstring_entry(url, 42)))
    assert "même usage" in message(report, "status")


def test_a_message_purpose_entry_does_not_invalidate(verify, https_issuer):
    entry = bitstring_entry(https_issuer.server.url("/status/m"), 1, purpose="message")
    report = verify(https_issuer.credential(entry))
    assert checks(report)["status"], report.to_dict()
    assert "/status/m" not in https_issuer.server.paths()


def key_in_method_id(issuer: ForeignIssuer) -> ForeignIssuer:
    """A signer writing its own key in the method id, `<issuer id>#z6Mk…` (1EdTech test-vector style)."""
    forger = ForeignIssuer(issuer.id, "", Ed25519PrivateKey.generate(), issuer.server)
    forger.method = f"{issuer.id}#{forger.multibase}"
    return forger


def test_a_key_in_the_method_id_alone_does_not_prove_an_https_issuer(verify, https_issuer):
    """`<issuer>#z6Mk…` must be published by the issuer: otherwise anyone could sign in its name."""
    report = verify(key_in_method_id(https_issuer).credential(None))
    assert not report.valid
    assert checks(report)["key"] is False
    assert message(report, "key") == (
        "La clé écrite dans la preuve n'est pas une clé publiée par l'émetteur : "
        "rien ne prouve qu'elle est à lui."
    )
    # The signature itself is intact: the verdict says so, and says why the badge is still refused.
    assert checks(report)["signature"] is True
    assert message(report, "signature").startswith("Signature intacte avec la clé écrite dans la preuve")


def test_a_key_in_the_method_id_of_an_unreachable_issuer_gets_a_precise_verdict(client, dns, foreign_key):
    """Through /api/v1/verify: the issuer's name does not resolve, so its keys cannot be fetched."""
    unreachable = ForeignIssuer("https://introuvable.test/issuers/x", "", foreign_key, None)  # type: ignore[arg-type]
    unreachable.method = f"{unreachable.id}#{unreachable.multibase}"
    credential = unreachable.credential(None)
    report = client.post("/api/v1/verify", json={"credential": credential}).json
    verdicts = {c["name"]: c for c in report["checks"]}
    assert report["valid"] is False
    assert (report["outcome"], report["cause"]) == ("unverifiable", "network")
    assert verdicts["signature"]["passed"] is True
    assert verdicts["key"]["passed"] is False
    assert verdicts["key"]["message"] == (
        "La clé écrite dans la preuve n'est pas reconnue : les clés publiées par l'émetteur n'ont pas pu "
        "être récupérées (Nom de domaine introuvable : introuvable.test)."
    )
    credential["name"] = "Programmer en Rust"
    altered = client.post("/api/v1/verify", json={"credential": credential}).json
    assert altered["outcome"] == "forged"  # a broken signature is a fact, whatever the network says
    tampered = {c["name"]: c for c in altered["checks"]}
    assert tampered["signature"]["passed"] is False
    assert tampered["key"]["passed"] is False


def key_at_its_own_url(issuer: ForeignIssuer, *, controller: str | None = None, listed: bool = True) -> None:
    """The method id is `<issuer>/keys/1`, which serves the Multikey; the controller document may list it."""
    issuer.method = issuer.id + "/keys/1"
    key = {"@context": ob3.MULTIKEY_V1, **issuer.multikey(), "controller": controller or issuer.id}
    issuer.server.json("/issuers/ailleurs/keys/1", key)
    document = issuer.controller_document()
    if not listed:
        document["assertionMethod"] = []
    issuer.server.json("/issuers/ailleurs", document)


def test_a_key_served_at_its_own_url_and_listed_by_its_controller_is_trusted(verify, https_issuer):
    key_at_its_own_url(https_issuer)
    report = verify(https_issuer.credential(None))
    assert report.valid, report.to_dict()
    assert https_issuer.server.paths() == ["/issuers/ailleurs/keys/1", "/issuers/ailleurs"]


def test_a_key_served_at_its_own_url_needs_its_controller_to_list_it(verify, https_issuer):
    """Controlled Identifiers §3.3: a key document only claims its controller; the controller must confirm."""
    key_at_its_own_url(https_issuer, listed=False)
    report = verify(https_issuer.credential(None))
    assert not report.valid
    assert "n'est pas autorisée à signer" in message(report, "key")


def test_a_key_served_at_its_own_url_must_be_controlled_by_the_issuer(verify, https_issuer, http_server):
    """Someone else's controller document may list the key: it is still not the issuer's."""
    other = make_foreign("https", http_server, https_issuer.key)
    key_at_its_own_url(https_issuer, controller=other.id)
    http_server.json(
        "/issuers/ailleurs", {**other.controller_document(), "assertionMethod": [https_issuer.method]}
    )
    report = verify(https_issuer.credential(None))
    assert not report.valid
    assert message(report, "key") == f"La clé appartient à {other.id}, pas à l'émetteur {https_issuer.id}."


def test_a_did_key_credential_claiming_another_issuer_is_refused(verify, http_server, foreign_key):
    signer = make_foreign("did:key", http_server, foreign_key)
    claimed = ForeignIssuer(
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", signer.method, foreign_key, http_server
    )
    report = verify(claimed.credential(None))
    assert checks(report)["key"] is False


def test_an_unknown_context_is_reported_and_never_fetched(verify, http_server, foreign_key):
    issuer = make_foreign("did:key", http_server, foreign_key)
    context_url = http_server.json(
        "/contexts/badge.jsonld", {"@context": {"extra": "https://example.org/extra"}}
    )
    credential = issuer.credential(None)
    credential["@context"] = [*credential["@context"], context_url]
    credential["extra"] = "valeur"
    report = verify(credential)
    assert not report.valid
    assert checks(report)["contexts"] is False
    assert context_url in message(report, "contexts")
    assert http_server.paths() == []


def test_a_foreign_credential_fails_closed_without_a_remote_source(
    session, links, now, http_server, foreign_key
):
    issuer = make_foreign("https", http_server, foreign_key)
    report = verification.verify_value(issuer.credential(None), source=LocalSource(session, links), now=now)
    assert not report.valid
    assert "hors de ce service" in message(report, "key")
    assert http_server.paths() == []


# --- OB 2.0 hosted assertions of a foreign issuer --------------------------------------------------------


@pytest.fixture(params=["http", "https"])
def ob2_server(request, http_server, https_server) -> LocalServer:
    return https_server if request.param == "https" else http_server


def test_a_foreign_hosted_assertion_is_valid_from_its_url(verify, ob2_server):
    assertion = publish_ob2(ob2_server)
    report = verify(assertion["id"], email="camille@example.org")
    assert report.valid, report.to_dict()
    assert report.format == "ob2-hosted"
    assert checks(report)["hosted"] and checks(report)["recipient"]


def test_a_copy_of_a_foreign_hosted_assertion_is_checked_against_the_issuer(verify, ob2_server):
    assertion = publish_ob2(ob2_server)
    report = verify(copy.deepcopy(assertion))
    assert report.valid, report.to_dict()
    assert "/ob2/assertions/1" in ob2_server.paths()


def test_a_tampered_copy_of_a_foreign_hosted_assertion_is_refused(verify, ob2_server):
    tampered = publish_ob2(ob2_server)
    tampered["recipient"]["identity"] = "mallory@example.org"
    report = verify(tampered)
    assert not report.valid
    assert checks(report)["hosted"] is False


@pytest.mark.parametrize("given", ["url", "copy"])
def test_a_revoked_foreign_hosted_assertion_is_refused(verify, ob2_server, given):
    assertion = publish_ob2(ob2_server)
    gone = {"@context": OB2, "id": assertion["id"], "revoked": True, "revocationReason": "Erreur"}
    ob2_server.json("/ob2/assertions/1", gone, status=410)
    report = verify(assertion["id"] if given == "url" else assertion)
    assert not report.valid
    assert message(report, "status") == "Ce badge a été révoqué par son émetteur : Erreur."


def test_a_foreign_assertion_hosted_outside_the_issuer_origin_is_refused(verify, http_server, https_server):
    assertion = publish_ob2(http_server)
    issuer = json.loads(http_server.routes["/ob2/issuer"].body)
    issuer["id"] = https_server.url("/ob2/issuer")
    https_server.json("/ob2/issuer", issuer)
    badge = json.loads(http_server.routes["/ob2/badges/1"].body)
    http_server.json("/ob2/badges/1", {**badge, "issuer": issuer["id"]})
    report = verify(assertion["id"])
    assert checks(report)["issuer"] is False
    assert HOST in issuer["id"]
