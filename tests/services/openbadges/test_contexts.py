"""Offline JSON-LD loader, canonicalisation, undefined terms and the OB 3.0 JSON Schema."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from badges.services.crypto.rdfc import canonicalize
from badges.services.openbadges.contexts import (
    document_loader,
    load_contexts,
    load_schema,
    schema_errors,
    undefined_terms,
    unknown_contexts,
)

VECTORS = Path(__file__).resolve().parents[2] / "data" / "test-vectors" / "obv3p0"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DID = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
HOST = "https://badges.example.org"
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
PROOF_VALUE = "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
EVIL = "https://evil.example"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the JSON-LD layer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


def skeleton() -> dict[str, Any]:
    """The reference credential shape (docs/standards.md#S-ob3-credential), which passed every outside
    check."""
    levels = f"{HOST}/achievements/premiers-pas#levels"
    return {
        "@context": [V2, OB, EXTENSIONS],
        "id": "urn:uuid:2f1e8c5e-6a4b-4f0e-9a57-0d8f3c2b1a90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": DID,
            "type": ["Profile"],
            "name": "Tiers-lieu",
            "url": HOST,
            "email": "a@example.org",
        },
        "validFrom": "2026-02-01T10:00:00Z",
        "name": "Premiers pas numériques",
        "credentialSubject": {
            "id": "urn:uuid:7c1d0a4e-3b2f-4c5d-8e9f-0a1b2c3d4e5f",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                    "identityHash": "sha256$" + "0" * 64,
                }
            ],
            "result": [{"type": ["Result"], "resultDescription": levels, "value": "N1"}],
            "achievement": {
                "id": f"{HOST}/achievements/premiers-pas",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": "Premiers pas numériques",
                "description": "Allumer, cliquer, écrire.",
                "criteria": {"narrative": "A suivi l'atelier."},
                "image": {"id": f"{HOST}/img/premiers-pas.png", "type": "Image"},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Interagir",
                        "targetUrl": f"{HOST}/frameworks/pix#2.1",
                        "targetFramework": "Pix / CRCN",
                        "targetCode": "2.1",
                        "targetType": "ceasn:Competency",
                    }
                ],
                "resultDescription": [
                    {
                        "id": levels,
                        "type": ["ResultDescription"],
                        "name": "Niveau",
                        "resultType": "PerformanceLevel",
                        "allowedValue": ["N1", "N2", "N3", "N4"],
                    }
                ],
            },
        },
        "evidence": [{"type": ["Evidence"], "name": "Atelier", "narrative": "Présent."}],
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {
            "id": f"{HOST}/status/1#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": f"{HOST}/status/1",
        },
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2026-02-01T10:00:00Z",
                "verificationMethod": f"{DID}#{DID[8:]}",
                "proofPurpose": "assertionMethod",
                "proofValue": PROOF_VALUE,
            }
        ],
    }


def test_every_indexed_context_is_bundled() -> None:
    contexts = load_contexts()
    for url in (
        V2,
        OB,
        EXTENSIONS,
        "https://w3id.org/openbadges/v2",
        "https://w3id.org/security/multikey/v1",
    ):
        assert "@context" in contexts[url]


def test_loader_serves_a_fresh_copy_and_ignores_the_fragment(no_network: None) -> None:
    first = document_loader(V2 + "#fragment")
    assert first["documentUrl"] == V2 + "#fragment"
    first["document"]["@context"]["poisoned"] = "https://evil.example/"
    assert "poisoned" not in document_loader(V2)["document"]["@context"]
    assert "poisoned" not in load_contexts()[V2]["@context"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/context.json",
        "http://www.w3.org/ns/credentials/v2",  # http instead of https: not the bundled document
        "https://www.w3.org/ns/credentials/v2/",
        "file:///etc/passwd",
        "",
    ],
)
def test_loader_refuses_urls_that_are_not_bundled(no_network: None, url: str) -> None:
    with pytest.raises(jsonld.JsonLdError) as caught:
        document_loader(url)
    assert caught.value.code == "loading document failed"


def test_canonicalize_works_offline(no_network: None) -> None:
    vector = json.loads((VECTORS / "eddsa-rdfc-2022-vector.json").read_text(encoding="utf-8"))
    expected = (VECTORS / "document-canon.txt").read_text(encoding="utf-8")
    assert canonicalize(vector["unsignedCredential"]) == expected


def test_canonicalize_refuses_an_unknown_context_without_fetching_it(no_network: None) -> None:
    with pytest.raises(jsonld.JsonLdError):
        canonicalize({"@context": ["https://evil.example/context.json"], "name": "x"})


def test_canonicalize_turns_pyld_leaks_into_jsonld_errors() -> None:
    credential = skeleton()
    credential["credentialSubject"]["creditsEarned"] = 10**400  # PyLD's float() overflows
    with pytest.raises(jsonld.JsonLdError):
        canonicalize(credential)


def test_a_clean_credential_has_no_undefined_terms(no_network: None) -> None:
    assert undefined_terms(skeleton()) == []


def test_undefined_terms_are_reported_at_top_level_and_nested() -> None:
    credential = skeleton()
    credential["foo"] = "bar"
    credential["credentialSubject"]["foo"] = "bar"
    credential["credentialSubject"]["achievement"]["alignment"][0]["extra"] = 1
    assert sorted(undefined_terms(credential)) == [
        "credentialSubject.achievement.alignment.extra",
        "credentialSubject.foo",
        "foo",
    ]


def test_absolute_iri_keys_are_defined() -> None:
    credential = skeleton()
    credential["https://example.org/vocab#note"] = "kept by JSON-LD"
    assert undefined_terms(credential) == []


def test_a_missing_extensions_context_leaves_the_schema_type_undefined() -> None:
    # The "Safe mode validation error" case of docs/standards.md#S-ob3-contexts.
    credential = skeleton()
    credential["@context"] = [V2, OB]
    assert undefined_terms(credential) == ["credentialSchema.type=1EdTechJsonSchemaValidator2019"]


def test_an_undefined_type_is_reported_with_its_path() -> None:
    credential = skeleton()
    credential["credentialSubject"]["achievement"]["type"] = ["Achievement", "Trophy"]
    assert undefined_terms(credential) == ["credentialSubject.achievement.type=Trophy"]


def test_undefined_terms_refuses_an_unknown_context() -> None:
    credential = skeleton()
    credential["@context"] = [*credential["@context"], "https://evil.example/context.json"]
    with pytest.raises(jsonld.JsonLdError):
        undefined_terms(credential)


def test_relative_ids_are_reported_like_undefined_terms() -> None:
    # jsonld.js safe mode fails on "relative @id reference", also for @id-typed values.
    credential = skeleton()
    credential["id"] = "credential-1"
    credential["credentialSubject"]["achievement"]["id"] = "premiers-pas"
    credential["issuer"] = "issuer-1"  # a string, which the VC context types as @id
    assert sorted(undefined_terms(credential)) == [
        "credentialSubject.achievement.id=premiers-pas",
        "id=credential-1",
        "issuer.id=issuer-1",
    ]


def test_blank_node_ids_are_not_relative() -> None:
    credential = skeleton()
    credential["credentialSubject"]["id"] = "_:b0"
    assert undefined_terms(credential) == []


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"@context": V2}, []),
        ({"@context": [V2, OB, EXTENSIONS]}, []),
        ({"@context": [V2, "https://evil.example/a"]}, ["https://evil.example/a"]),
        ({"@context": "https://evil.example/a#frag"}, ["https://evil.example/a#frag"]),
        (
            {"@context": [V2, {"@import": "https://evil.example/i", "t": {"@id": "https://x/t", "@context": "https://evil.example/s"}}]},
            ["https://evil.example/i", "https://evil.example/s"],
        ),
        ({"@context": V2, "a": [{"@context": f"{EVIL}/n"}, {"@context": f"{EVIL}/n"}]}, [f"{EVIL}/n"]),
        ({"name": "no context"}, []),
    ],
)  # fmt: skip
def test_unknown_contexts_lists_every_context_that_is_not_bundled(document: Any, expected: list[str]) -> None:
    assert unknown_contexts(document) == expected


def test_the_bundled_schema_is_the_ob30_achievement_credential_schema() -> None:
    assert load_schema()["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    assert load_schema()["$id"].endswith("ob_v3p0_achievementcredential_schema.json")


def test_the_a312_skeleton_passes_the_schema() -> None:
    assert schema_errors(skeleton()) == []


def mutated(path: list[str | int], value: Any) -> dict[str, Any]:
    credential = copy.deepcopy(skeleton())
    target: Any = credential
    for step in path[:-1]:
        target = target[step]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return credential


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["proof"], skeleton()["proof"][0]),
        (["issuer", "type"], "Profile"),
        (["credentialSubject", "achievement", "image", "type"], ["Image"]),
        (["credentialSubject", "identifier", 0, "type"], ["IdentityObject"]),
        (["credentialSubject", "achievement", "criteria"], None),
        (["type"], ["VerifiableCredential"]),
        (["validFrom"], None),
    ],
    ids=["proof-object", "issuer-type-string", "image-type-array", "identity-type-array", "no-criteria",
         "no-openbadge-type", "no-validFrom"],
)  # fmt: skip
def test_schema_reports_shapes_that_validators_refuse(path: list[str | int], value: Any) -> None:
    assert schema_errors(mutated(path, value)) != []
