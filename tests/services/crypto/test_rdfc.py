"""RDFC-1.0 canonicalisation: byte-identical to plain PyLD and to pyoxigraph's independent RDFC-1.0, on every
shape the service signs or verifies; the memo of processed contexts stays bounded and correct (issue 17)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse, serialize

from badges.services.credentials import endorsements
from badges.services.crypto import rdfc, rdfc_native
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


def expanded(doc: dict[str, Any]) -> Any:
    """PyLD's expanded form of a document, as rdfc.canonicalize hands it to pyoxigraph."""
    options = {"base": "", "documentLoader": document_loader}
    return jsonld.expand(copy.deepcopy(doc), options)


def test_issued_shapes_take_the_pyoxigraph_path_with_the_same_bytes(
    session: Any, keyring: Any, links: Any, now: Any
) -> None:
    for doc in issued_shapes(session, keyring, links, now):
        assert rdfc_native.canonical_nquads(expanded(doc)) == plain_pyld(doc)


EX = "https://example.org/vocab#"


@pytest.mark.parametrize(
    "doc",
    [
        # PyLD writes these raw, pyoxigraph escapes them (U+0008, U+0009, U+000C, and DEL).
        {"@id": "urn:x:1", f"{EX}p": "a\tb"},
        {"@id": "urn:x:1", f"{EX}p": "a\bb\fc"},
        {"@id": "urn:x:1", f"{EX}p": "a\x7fb"},
        # pyoxigraph lower-cases language tags.
        {"@id": "urn:x:1", f"{EX}p": {"@value": "texte", "@language": "fr-FR"}},
        # A float becomes an xsd:double in each implementation's own notation; so does a huge integer.
        {"@id": "urn:x:1", f"{EX}p": 1.5},
        {"@id": "urn:x:1", f"{EX}p": 10**21},
        {"@id": "urn:x:1", f"{EX}p": {"@value": 5, "@type": "http://www.w3.org/2001/XMLSchema#double"}},
        # PyLD drops a triple whose IRI is not absolute (a space) and writes an escape raw, which N-Quads
        # would read.
        {"@id": "urn:x:1", f"{EX}p": {"@id": "https://exa mple.org/"}},
        {"@id": "urn:x:1", f"{EX}p": {"@id": "https://example.org/a\\u0041"}},
        # JSON literals, named graphs, reverse properties, base directions, blank-node properties.
        {"@id": "urn:x:1", f"{EX}p": {"@value": {"a": 1}, "@type": "@json"}},
        {"@id": "urn:x:g", "@graph": [{"@id": "urn:x:1", f"{EX}p": "x"}]},
        {"@id": "urn:x:1", "@reverse": {f"{EX}p": {"@id": "urn:x:2"}}},
        {"@id": "urn:x:1", f"{EX}p": {"@value": "x", "@language": "ar", "@direction": "rtl"}},
        {"@id": "urn:x:1", "_:p": "x"},
        # A blank node twice in one quad: PyLD hashes the quad twice for it (RDFC-1.0 §4.6), pyoxigraph once.
        {"@id": "_:a", f"{EX}knows": [{"@id": "_:b", f"{EX}name": "B"}, {f"{EX}name": "C"}, {"@id": "_:a"}]},
        # Lists of lists.
        {"@id": "urn:x:1", f"{EX}p": {"@list": [{"@list": ["a"]}]}},
    ],
)
def test_what_the_implementations_write_differently_goes_the_whole_way_with_pyld(doc: dict[str, Any]) -> None:
    try:
        expanded_form = expanded(doc)
    except jsonld.JsonLdError:
        expanded_form = None
    if expanded_form is not None:
        with pytest.raises(rdfc_native.Refused):
            rdfc_native.canonical_nquads(expanded_form)
    try:
        expected = plain_pyld(doc)
    except jsonld.JsonLdError:
        with pytest.raises(jsonld.JsonLdError):
            rdfc.canonicalize(doc)
        return
    assert rdfc.canonicalize(doc) == expected


@pytest.mark.parametrize(
    "doc",
    [
        # Blank nodes: named, anonymous, shared, and RDF lists (with an empty one).
        {
            "@id": "_:a",
            f"{EX}knows": [{"@id": "_:b", f"{EX}name": "B"}, {f"{EX}name": "C"}, {"@id": "urn:x:8"}],
            f"{EX}items": {"@list": ["x", {"@id": "urn:x:9"}, True, 7, {f"{EX}name": "in a list"}]},
            f"{EX}none": {"@list": []},
        },
        # Typed literals, escapes, text beyond the BMP, an IRI outside ASCII, malformed IRIs both write raw.
        {
            "@id": "https://example.org/é",
            f"{EX}q": [{"@id": "https://example.org/%zz"}, {"@id": "x:{a}|^`#b#c"}],
            "@type": [f"{EX}T", f"{EX}U"],
            f"{EX}p": ['quote " backslash \\ newline \n return \r', "🦊", -3, False],
            f"{EX}d": {"@value": "2026-13-99", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
        },
        # The same node in two places, merged; several top-level nodes.
        {"@graph": [{"@id": "urn:x:1", f"{EX}p": "a"}, {"@id": "urn:x:1", f"{EX}q": {"@id": "urn:x:2"}}]},
    ],
    ids=["blank-nodes-and-lists", "literals", "merged-nodes"],
)
def test_plain_expanded_forms_take_the_pyoxigraph_path_with_the_same_bytes(doc: dict[str, Any]) -> None:
    ours = rdfc_native.canonical_nquads(expanded(doc))
    assert ours and ours == plain_pyld(doc)
    assert rdfc.canonicalize(doc) == ours


def test_written_text_whose_last_line_has_no_line_feed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """N-Quads lines end with "\\n": text that does not is refused, not cut short of its last quad."""
    doc = {"@id": "urn:x:1", f"{EX}p": "a", f"{EX}q": "b"}
    whole = rdfc_native.canonical_nquads(expanded(doc))
    assert whole.count("\n") == 2
    monkeypatch.setattr(rdfc_native, "serialize", lambda *_args, **_kwargs: whole.rstrip("\n").encode())
    with pytest.raises(rdfc_native.Refused):
        rdfc_native.canonical_nquads(expanded(doc))
    monkeypatch.setattr(rdfc_native, "serialize", lambda *_args, **_kwargs: whole.encode())
    assert rdfc_native.canonical_nquads(expanded(doc)) == whole


# Any character at all, control characters and surrogates included: whichever path a text takes, the bytes
# are PyLD's.
ANY_TEXT = st.text(min_size=0, max_size=20)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=3), number=st.integers() | st.floats(allow_nan=False))
# Line breaks other than "\n" that str.splitlines knows (once cut the canonical N-Quads in two).
@example(texts=["\x85"], number=0)
@example(texts=["a\x85", "c\u2028", "\r\x1c\x0b\x0c"], number=0)
def test_any_text_or_number_gives_pyld_bytes(texts: list[str], number: Any) -> None:
    assert_pyld_bytes({"@id": "urn:x:1", f"{EX}p": texts, f"{EX}n": number})


def assert_pyld_bytes(doc: dict[str, Any]) -> None:
    """The project's bytes are PyLD's, or both refuse the document."""
    try:
        expected = plain_pyld(doc)
    except jsonld.JsonLdError:
        with pytest.raises(jsonld.JsonLdError):
            rdfc.canonicalize(doc)
        return
    assert rdfc.canonicalize(doc) == expected


# pyoxigraph reads the project's N-Quads leniently, taking IRIs as written: any IRI at all, in every place
# one goes (subject, predicate, type, object, datatype), gives PyLD's bytes, whichever path it takes.
SCHEME = st.sampled_from(["https", "urn", "did", "x-y.z+1", "_", "1a", ""]) | st.text(max_size=4)
IRIS = st.builds("{}:{}".format, SCHEME, ANY_TEXT) | ANY_TEXT


PLACES = ("subject", "predicate", "type", "object", "datatype")


def iri_doc(iri: str, place: str) -> dict[str, Any]:
    """A small document with `iri` in one place and plain IRIs everywhere else."""
    values = {name: f"urn:x:{name}" for name in PLACES} | {place: iri}
    return {
        "@id": values["subject"],
        "@type": values["type"],
        values["predicate"]: {"@id": values["object"]},
        f"{EX}d": {"@value": "v", "@type": values["datatype"]},
    }


@settings(max_examples=150, deadline=None)
@given(iri=IRIS, place=st.sampled_from(PLACES))
@example(iri="_:b", place="type")
@example(iri="relative", place="object")
@example(iri="a:b\\u0041", place="datatype")
def test_any_iri_in_any_place_gives_pyld_bytes(iri: str, place: str) -> None:
    assert_pyld_bytes(iri_doc(iri, place))


@pytest.mark.parametrize("iri", ["https://example.org/%zz", "x:{a}|^`", "https://[::1]x/", "x:\ufffe#a#b"])
@pytest.mark.parametrize("place", PLACES)
def test_malformed_absolute_iris_take_the_pyoxigraph_path_as_written(iri: str, place: str) -> None:
    """RFC 3987 would refuse these; PyLD writes them raw, and so does pyoxigraph's lenient reading."""
    doc = iri_doc(iri, place)
    ours = rdfc_native.canonical_nquads(expanded(doc))
    assert f"<{iri}>" in ours and ours == plain_pyld(doc)


def blank_graph(edges: list[tuple[int, str, int | str]], size: int) -> dict[str, Any]:
    """Blank nodes _:n0.._:n{size-1} linked by (node, property, node or text) edges."""
    nodes: list[dict[str, Any]] = [{"@id": f"_:n{n}"} for n in range(size)]
    for source, prop, target in edges:
        value = {"@id": f"_:n{target % size}"} if isinstance(target, int) else target
        nodes[source % size].setdefault(EX + prop, []).append(value)
    return {"@graph": nodes}


# Small graphs of blank nodes, many alike: the first-degree hashes collide and RDFC-1.0's n-degree hashing
# decides the labels, in PyLD and in pyoxigraph alike.
@settings(max_examples=80, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=5),
    edges=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from("pq"), st.integers(0, 4) | st.sampled_from("ab")),
        max_size=10,
    ),
)
def test_blank_node_graphs_give_pyld_bytes(size: int, edges: list[tuple[int, str, int | str]]) -> None:
    doc = blank_graph(edges, size)
    assert rdfc.canonicalize(doc) == plain_pyld(doc)


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
]


@pytest.mark.parametrize("context", SHAPING_CONTEXTS)
@pytest.mark.parametrize("value", ["texte", "https://example.org/x", True, 7, 2.5])
def test_contexts_shaping_plain_values_give_pyld_bytes(context: dict[str, Any], value: Any) -> None:
    doc = {"@context": context, "@id": "urn:x:1"} | {term: value for term in ("p", "q", "r", "s", "t")}
    assert_pyld_bytes(doc)
