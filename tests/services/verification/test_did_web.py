"""did:web verification methods: the URL of the DID document, and the checks on what it publishes."""

from __future__ import annotations

import pytest

from badges.services.verification.fetch import SafeFetcher
from badges.services.verification.key_resolution import KeyResolutionError, did_web_url, resolve_ed25519
from tests.services.verification.conftest import HOST, ForeignIssuer, make_foreign, raw_public


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"),
        ("did:web:example.com%3A8443:issuers:a", "https://example.com:8443/issuers/a/did.json"),
    ],
)
def test_did_web_maps_to_its_https_document(did, url):
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:example.com%2Fevil",  # a slash smuggled into the host
        "did:web:user%40example.com",
        "did:web:example.com:..:secret",
        "did:web:example.com::x",
        "did:web:example.com:a%2Fb",
        "did:web:example.com%3Aport",
        "did:web:exa mple.com",
    ],
)
def test_malformed_did_web_is_refused(did):
    with pytest.raises(KeyResolutionError, match="did:web mal formé"):
        did_web_url(did)


@pytest.fixture
def issuer(https_server, foreign_key) -> ForeignIssuer:
    return make_foreign("did:web", https_server, foreign_key)


def test_a_did_web_key_listed_in_assertion_method_resolves(fetcher, issuer):
    key = resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id)
    assert key.public_key == raw_public(issuer.key)
    assert key.controller == issuer.id
    assert issuer.server.paths() == ["/.well-known/did.json"]
    assert issuer.id == f"did:web:{HOST}%3A{issuer.server.port}"


def test_a_did_web_with_a_path_resolves(fetcher, https_server, foreign_key):
    issuer = make_foreign("did:web", https_server, foreign_key, path="/users/alice")
    assert issuer.id.endswith(":users:alice")
    assert resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id).public_key == raw_public(foreign_key)
    assert https_server.paths() == ["/users/alice/did.json"]


def test_relative_method_ids_and_the_2020_key_type_are_understood(fetcher, issuer):
    method = {**issuer.multikey(), "id": "#key-1", "type": "Ed25519VerificationKey2020"}
    issuer.server.json(
        "/.well-known/did.json",
        {**issuer.controller_document(), "verificationMethod": [method], "assertionMethod": ["#key-1"]},
    )
    assert resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id).public_key == raw_public(issuer.key)


def test_a_key_embedded_in_assertion_method_resolves(fetcher, issuer):
    doc = {**issuer.controller_document(), "verificationMethod": [], "assertionMethod": [issuer.multikey()]}
    issuer.server.json("/.well-known/did.json", doc)
    assert resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id).public_key == raw_public(issuer.key)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"assertionMethod": []}, "assertionMethod"),
        ({"id": "did:web:other.example"}, "n'est pas celui de"),
        ({"verificationMethod": []}, "n'est pas publiée"),
    ],
)
def test_did_web_documents_that_do_not_authorise_the_key_are_refused(fetcher, issuer, change, message):
    issuer.server.json("/.well-known/did.json", {**issuer.controller_document(), **change})
    with pytest.raises(KeyResolutionError, match=message):
        resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id)


def test_a_did_web_method_controlled_by_someone_else_is_refused(fetcher, issuer):
    method = {**issuer.multikey(), "controller": "did:web:other.example"}
    issuer.server.json(
        "/.well-known/did.json", {**issuer.controller_document(), "verificationMethod": [method]}
    )
    with pytest.raises(KeyResolutionError, match="contrôleur"):
        resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id)


def test_a_did_web_key_is_not_the_key_of_another_issuer(fetcher, issuer):
    with pytest.raises(KeyResolutionError, match="pas à l'émetteur"):
        resolve_ed25519(fetcher, issuer.method, issuer_id="did:web:other.example")


def test_a_missing_did_document_is_reported(fetcher, issuer):
    del issuer.server.routes["/.well-known/did.json"]
    with pytest.raises(KeyResolutionError, match="introuvable"):
        resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id)


def test_did_web_is_fetched_over_https_only(dns, http_server, foreign_key):
    """did:web always means https: a plain http server of the same name cannot answer for it."""
    issuer = make_foreign("did:web", http_server, foreign_key)
    fetcher = SafeFetcher(allow_hosts=frozenset({HOST}))
    with pytest.raises(KeyResolutionError, match="introuvable"):
        resolve_ed25519(fetcher, issuer.method, issuer_id=issuer.id)
    assert http_server.paths() == []
