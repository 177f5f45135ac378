"""The pyoxigraph path of the canonicalisation (crypto/rdfc_native.py): what PyLD's expanded form becomes as
N-Quads, read by pyoxigraph and canonicalised; whatever the two would write differently goes the whole way
with PyLD. Every test compares bytes with plain PyLD."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from badges.services.crypto import rdfc, rdfc_native
from badges.services.openbadges.contexts import document_loader
from tests.services.crypto.test_rdfc import EX, assert_pyld_bytes, issued_shapes, plain_pyld


def expanded(doc: dict[str, Any]) -> Any:
    """PyLD's expanded form of a document, as rdfc.canonicalize hands it to pyoxigraph."""
    options = {"base": "", "documentLoader": document_loader}
    return jsonld.expand(copy.deepcopy(doc), options)


def test_issued_shapes_take_the_pyoxigraph_path_with_the_same_bytes(
    session: Any, keyring: Any, links: Any, now: Any
) -> None:
    for doc in issued_shapes(session, keyring, links, now):
        assert rdfc_native.canonical_nquads(expanded(doc)) == plain_pyld(doc)


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
    assert_pyld_bytes(doc)


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
