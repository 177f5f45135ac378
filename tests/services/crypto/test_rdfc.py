"""RDFC-1.0 canonicalisation: byte-identical to plain PyLD and to pyoxigraph's independent RDFC-1.0, on every
shape the service signs or verifies; the memo of processed contexts stays bounded and correct (issue 17)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse, serialize

from badges.services.credentials import endorsements
from badges.services.crypto import rdfc
from badges.services.openbadges.contexts import document_loader, load_contexts
from tests.factories import make_award, make_coordinator

VECTORS = Path(__file__).resolve().parents[2] / "data" / "test-vectors" / "obv3p0"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
HOST = "https://badges.example.org"


def plain_pyld(doc: dict[str, Any]) -> str:
    """The baseline: PyLD's normalize with the bundled static loader, no memo."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}
    result: str = jsonld.normalize(copy.deepcopy(doc), options)
    return result


def inline_contexts(context: Any) -> Any:
    """The document's @context with every bundled URL replaced by the context it names (pyoxigraph has no
    document loader)."""
    if isinstance(context, list):
        return [inline_contexts(item) for item in context]
    if isinstance(context, str):
        return copy.deepcopy(load_contexts()[context]["@context"])
    return context


def oxigraph(doc: dict[str, Any]) -> str:
    """pyoxigraph's own JSON-LD to RDF and RDFC-1.0: an implementation that shares no code with PyLD."""
    inlined = {**doc, "@context": inline_contexts(doc["@context"])}
    dataset = Dataset(parse(json.dumps(inlined), RdfFormat.JSON_LD))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    lines = serialize(dataset, format=RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)
    # RDFC-1.0 §4.4: the canonical N-Quads are the quads sorted in code point order.
    return "".join(sorted(lines))


def assert_same_bytes(doc: dict[str, Any]) -> str:
    ours = rdfc.canonicalize(doc)
    assert ours, "nothing canonicalised: the test would prove nothing"
    assert ours == plain_pyld(doc)
    assert ours == oxigraph(doc)
    return ours


def unsecured_and_config(signed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What eddsa-rdfc-2022 canonicalises: the document without proof, the proof without proofValue plus the
    document's @context."""
    document = {k: v for k, v in signed.items() if k != "proof"}
    proof = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": document["@context"]}
    return document, config


def test_the_1edtech_vector_is_reproduced_byte_for_byte_by_both_implementations() -> None:
    vector = json.loads((VECTORS / "eddsa-rdfc-2022-vector.json").read_text(encoding="utf-8"))
    credential = vector["unsignedCredential"]
    config = {"@context": credential["@context"], **vector["proofOptions"]}
    assert assert_same_bytes(credential) == (VECTORS / "document-canon.txt").read_text(encoding="utf-8")
    assert assert_same_bytes(config) == (VECTORS / "proof-canon.txt").read_text(encoding="utf-8")


def issued_shapes(session: Any, keyring: Any, links: Any, now: Any) -> list[dict[str, Any]]:
    """Every shape the service signs, each with its proof configuration: an OB 3.0 credential, its status
    list, and an EndorsementCredential of its badge class by the coordination."""
    award = make_award(session, keyring, links, now)
    coordinator, _ = make_coordinator(session, now)
    settings = endorsements.EndorserSettings(network_name="Coordination du réseau", email=coordinator.email)
    data = {"target": "badge_class", "id": award.badge_class.public_id, "comment": "Reconnu par le réseau."}
    endorsement = endorsements.endorse(
        session, keyring, actor=coordinator, data=data, settings=settings, links=links, now=now
    )
    signed = (award.ob3_credential, award.status_list.signed_credential, endorsement.ob3_credential)
    pairs = [unsecured_and_config(json.loads(text)) for text in signed]
    assert [document["type"][1] for document, _ in pairs] == [
        "OpenBadgeCredential",
        "BitstringStatusListCredential",
        "EndorsementCredential",
    ]
    return [doc for pair in pairs for doc in pair]


def test_every_issued_shape_and_its_proof_agree_with_the_oracle(
    session: Any, keyring: Any, links: Any, now: Any
) -> None:
    for doc in issued_shapes(session, keyring, links, now):
        assert_same_bytes(doc)


def reference_credential(**fields: Any) -> dict[str, Any]:
    """The OB 3.0 shape this service issues (docs/standards.md#S-ob3-credential), with drawn values."""
    achievement = f"{HOST}/achievements/{fields['slug']}"
    levels = f"{achievement}#levels"
    credential: dict[str, Any] = {
        "@context": [V2, OB, EXTENSIONS],
        "id": f"urn:uuid:{fields['uuid']}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"{HOST}/issuers/{fields['slug']}", "type": ["Profile"], "name": fields["issuer"]},
        "validFrom": fields["valid_from"],
        "name": fields["name"],
        "credentialSubject": {
            "id": f"urn:uuid:{fields['subject']}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": fields["salt"],
                    "identityHash": "sha256$" + fields["hash"],
                }
            ],
            "result": [{"type": ["Result"], "resultDescription": levels, "value": fields["level"]}],
            "achievement": {
                "id": achievement,
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": fields["name"],
                "description": fields["description"],
                "criteria": {"narrative": fields["narrative"]},
                "image": {"id": f"{achievement}/image.png", "type": "Image"},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": name,
                        "targetUrl": f"{HOST}/frameworks/pix#{code}",
                        "targetFramework": "Pix / CRCN",
                        "targetCode": code,
                        "targetType": "ceasn:Competency",
                    }
                    for code, name in fields["alignments"]
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
        "evidence": [
            {"type": ["Evidence"], "name": name, "narrative": narrative}
            for name, narrative in fields["evidence"]
        ],
        "credentialStatus": {
            "id": f"{HOST}/status/{fields['slug']}/1#{fields['index']}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(fields["index"]),
            "statusListCredential": f"{HOST}/status/{fields['slug']}/1",
        },
    }
    if fields["valid_until"] is not None:
        credential["validUntil"] = fields["valid_until"]
    return credential


# Free text with what canonical N-Quads must escape (quotes, backslashes, line breaks) and beyond the BMP.
# Surrogates cannot be encoded in UTF-8; other control characters are where the implementations part:
# PyLD writes U+0008, U+0009, U+000C raw, pyoxigraph as \b, \t, \f (RDF 1.2's canonical N-Quads).
TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from('\n\r"\\'), min_size=1, max_size=40
)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
STAMP = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
CREDENTIALS = st.builds(
    lambda **fields: reference_credential(**fields),
    slug=SLUG,
    uuid=st.uuids().map(str),
    subject=st.uuids().map(str),
    issuer=TEXT,
    name=TEXT,
    description=TEXT,
    narrative=TEXT,
    salt=st.text("0123456789abcdef", min_size=32, max_size=32),
    hash=st.text("0123456789abcdef", min_size=64, max_size=64),
    level=st.sampled_from(["N1", "N2", "N3", "N4"]),
    alignments=st.lists(st.tuples(st.from_regex(r"[1-5]\.[1-3]", fullmatch=True), TEXT), max_size=3),
    evidence=st.lists(st.tuples(TEXT, TEXT), max_size=2),
    index=st.integers(min_value=0, max_value=131071),
    valid_from=STAMP,
    valid_until=st.none() | STAMP,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credential=CREDENTIALS)
def test_valid_credentials_canonicalise_to_the_oracle_bytes(credential: dict[str, Any]) -> None:
    assert_same_bytes(credential)
    assert_same_bytes({**unsecured_and_config({**credential, "proof": [PROOF]})[1]})


PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-02-01T10:00:00Z",
    "verificationMethod": f"{HOST}/issuers/tiers-lieu/keys/1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z" + "1" * 86,
}


def scoped(**overrides: Any) -> dict[str, Any]:
    """A small OB 3.0 document whose terms depend on type-scoped contexts."""
    doc: dict[str, Any] = {
        "@context": [V2, OB],
        "id": "urn:uuid:2f1e8c5e-6a4b-4f0e-9a57-0d8f3c2b1a90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"{HOST}/issuers/a", "type": ["Profile"], "name": "A"},
        "validFrom": "2026-02-01T10:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"{HOST}/achievements/a",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "criteria": {"narrative": "Fait."},
            },
        },
    }
    doc.update(overrides)
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        scoped(),
        # achievementType belongs to Achievement's scoped context: on a Profile it is not defined.
        scoped(issuer={"id": f"{HOST}/issuers/a", "type": ["Profile"], "achievementType": "Badge"}),
        # Type-scoped contexts do not propagate (@propagate false): a nested untyped node loses them.
        scoped(
            credentialSubject={
                "type": ["AchievementSubject"],
                "achievement": {"type": ["Achievement"], "criteria": {"achievementType": "Badge"}},
            }
        ),
        # The same node typed the other way round, after the memo has seen the first ones.
        scoped(credentialSubject={"type": ["Achievement"], "achievementType": "Badge", "name": "x"}),
        # A property-scoped context inside a type-scoped one, under two contexts in a different order.
        scoped(**{"@context": [V2, OB, EXTENSIONS]}),
    ],
    ids=["plain", "term-of-another-type", "no-propagation", "type-swapped", "three-contexts"],
)
def test_scoped_contexts_give_the_same_bytes_in_any_order(doc: dict[str, Any]) -> None:
    first = assert_same_bytes(doc)
    assert_same_bytes(scoped())
    assert rdfc.canonicalize(doc) == first


def error_codes(error: BaseException | None) -> list[str]:
    """The JSON-LD error codes along the chain of causes (PyLD wraps the one that matters)."""
    codes = []
    while error is not None:
        codes.append(str(getattr(error, "code", "")))
        error = error.__cause__
    return codes


def test_redefining_a_protected_term_is_still_refused_after_the_memo_is_warm() -> None:
    assert_same_bytes(scoped())
    inline = scoped(**{"@context": [V2, OB, {"name": "https://evil.example/name"}]})
    bundled = scoped(**{"@context": [V2, OB, V1]})  # VC 1.0 redefines VC 2.0's protected terms
    for doc in (inline, bundled):
        with pytest.raises(jsonld.JsonLdError) as caught:
            rdfc.canonicalize(doc)
        assert "protected term redefinition" in error_codes(caught.value)
        with pytest.raises(jsonld.JsonLdError):
            plain_pyld(doc)
    assert_same_bytes(scoped())


def test_foreign_inline_contexts_never_reach_the_memo() -> None:
    rdfc.canonicalize(scoped())
    before = rdfc.MEMO.sizes()
    for n in range(300):
        doc = scoped(**{"@context": [V2, OB, {"extra": f"https://example.org/{n}#extra"}], "extra": n})
        assert rdfc.canonicalize(doc) == plain_pyld(doc)
    assert rdfc.MEMO.sizes() == before


def test_the_memo_stays_bounded_under_many_distinct_bundled_context_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rdfc, "MAX_PROCESSED_CONTEXTS", 10)
    monkeypatch.setattr(rdfc, "MAX_TRUSTED_SCOPED", 200)
    for repeats in range(2, 26):
        # Each list is a new key (the same bundled context, repeated): a hostile stream of context lists.
        doc = scoped(**{"@context": [V2] * repeats + [OB]})
        assert rdfc.canonicalize(doc) == plain_pyld(doc)
        processed, trusted, scoped_contexts = rdfc.MEMO.sizes()
        assert processed <= 10 and trusted <= 10 and scoped_contexts <= 200
    assert_same_bytes(scoped())


EX = "https://example.org/vocab#"


def assert_pyld_bytes(doc: dict[str, Any]) -> None:
    """The project's bytes are PyLD's, or both refuse the document."""
    try:
        expected = plain_pyld(doc)
    except jsonld.JsonLdError:
        with pytest.raises(jsonld.JsonLdError):
            rdfc.canonicalize(doc)
        return
    assert rdfc.canonicalize(doc) == expected


# Every way a context can shape a plain value (the project takes a short path for terms that shape nothing):
# a default language or direction, a term's own language, type coercion to a datatype, an IRI or the
# vocabulary, keyword aliases, a nulled term, @vocab.
SHAPING_CONTEXTS = [
    {"@vocab": EX},
    {"@vocab": EX, "@language": "fr", "p": f"{EX}p"},
    {"@vocab": EX, "@direction": "rtl", "p": f"{EX}p"},
    {"p": {"@id": f"{EX}p", "@language": "en"}, "q": f"{EX}q"},
    {"p": {"@id": f"{EX}p", "@type": "http://www.w3.org/2001/XMLSchema#date"}},
    {"p": {"@id": f"{EX}p", "@type": "@id"}, "q": {"@id": f"{EX}q", "@type": "@vocab"}, "r": f"{EX}r"},
    {"p": "@id", "q": "@type", "r": None, "s": {"@id": f"{EX}s", "@type": "@none"}, "t": "@index"},
    {"@language": "fr", "p": {"@id": f"{EX}p", "@language": None}, "q": {"@id": f"{EX}q", "@type": "@json"}},
    {"@vocab": EX, "p": {"@id": None}, "q": {"@id": None, "@type": "@id"}, "r": {"@id": "@nest"}},
]


@pytest.mark.parametrize("context", SHAPING_CONTEXTS)
@pytest.mark.parametrize("value", ["texte", "https://example.org/x", True, 7, 2.5])
def test_contexts_shaping_plain_values_give_pyld_bytes(context: dict[str, Any], value: Any) -> None:
    doc = {"@context": context, "@id": "urn:x:1"} | {term: value for term in ("p", "q", "r", "s", "t")}
    assert_pyld_bytes(doc)
