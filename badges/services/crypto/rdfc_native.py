"""To-RDF and RDFC-1.0 of PyLD's expanded JSON-LD with pyoxigraph, for the forms both write alike.

Once PyLD has expanded a document (its contexts, its rules), what remains is turning plain node objects into
quads and canonicalising them: more than half of what PyLD spends (issue 17), a small part of this path.
Here the expanded form becomes N-Quads lines (JSON-LD 1.1 §8.6, for plain node objects only) that
pyoxigraph parses (leniently: IRIs as written), canonicalises (RDFC-1.0) and writes. Both write the same
bytes for absolute IRIs, plain string literals, booleans, untyped integers below 10^21 and text without
control characters other than line breaks. Anything else (language tags, which pyoxigraph lower-cases;
@json, @direction, floats, named graphs, reverse properties, relative IRIs, which PyLD drops; text and IRIs
PyLD writes raw and N-Quads would read as escapes) raises Refused, and the caller goes the whole way with
PyLD. Sizes are capped so that a large input is PyLD's too.
"""

from __future__ import annotations

import re
from itertools import count
from typing import Any

from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse, serialize

# Past these, the document goes the whole way with PyLD (a signed credential has about 50 nodes, 200 values).
MAX_VALUES = 5000
MAX_DEPTH = 32
# JSON-LD 1.1 §8.6 (to-RDF): an integer at or past 10^21 is written as an xsd:double.
MAX_INTEGER = 10**21
# Line feed and carriage return are escaped alike by both; every other C0 control and DEL is not; lone
# surrogates cannot be written in UTF-8.
_CONTROLS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# An IRI both write as it is: absolute by PyLD's test (pyld.jsonld._is_absolute_iri, which drops the quads
# of any other; its "_:" scheme is a blank node there), with nothing that N-Quads would read differently
# inside <...> (a backslash starts an escape, the others end or break the IRI). pyoxigraph parses leniently
# (it takes each IRI as written, RFC 3987 unchecked, as PyLD writes it), so this is the whole check.
_WRITABLE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+-.]*:[^\s\\<>"\x00-\x1f\x7f\ud800-\udfff]*')
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Literals of these datatypes need a language tag: pyoxigraph refuses them bare.
_LANG_DATATYPES = frozenset(
    {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString",
    }
)


class Refused(Exception):
    """The expanded form holds something the two implementations may write differently."""


class _Quads:
    """JSON-LD 1.1 §8.6 "Deserialize JSON-LD to RDF" for the plain expanded forms only, as N-Quads lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.values = 0
        self.fresh = count()
        self.labels: dict[str, str] = {}
        # IRIs already checked and written, for this document only (predicates and types repeat).
        self.iris: dict[str, str] = {}

    def iri(self, value: Any) -> str:
        written = self.iris.get(value) if value.__class__ is str else None
        if written is None:
            written = self.iris[value] = _iri(value)
        return written

    def blank(self) -> str:
        return f"_:g{next(self.fresh)}"

    def subject(self, node: Any, depth: int) -> str:
        """The node's quads; returns its subject term."""
        if node.__class__ is not dict:
            raise Refused
        self.values += 1
        if self.values > MAX_VALUES or depth > MAX_DEPTH:
            raise Refused
        node_id = node.get("@id")
        if node_id is None:
            subject = self.blank()
        elif node_id.__class__ is str and node_id.startswith("_:"):
            subject = self.labels.setdefault(node_id, f"_:e{len(self.labels)}")
        else:
            subject = self.iri(node_id)
        for key, values in node.items():
            if key == "@id":
                continue
            if values.__class__ is not list:
                raise Refused
            if key == "@type":
                for value in values:
                    self.lines.append(f"{subject} <{RDF}type> {self.iri(value)} .\n")
            elif key[:1] == "@" or key.startswith("_:"):
                raise Refused
            else:
                predicate = self.iri(key)
                for value in values:
                    term = self.object(value, depth + 1)
                    if term == subject and subject[:2] == "_:":
                        # A blank node twice in one quad: PyLD hashes that quad twice for it, pyoxigraph once
                        # (RDFC-1.0 §4.6, Hash First Degree Quads): their labels differ.
                        raise Refused
                    self.lines.append(f"{subject} {predicate} {term} .\n")
        return subject

    def object(self, value: Any, depth: int) -> str:
        if value.__class__ is not dict:
            raise Refused
        if "@value" in value:
            return _literal(value)
        if "@list" in value:
            return self.list(value, depth)
        return self.subject(value, depth)

    def list(self, value: dict[str, Any], depth: int) -> str:
        items = value["@list"]
        if len(value) != 1 or items.__class__ is not list:
            raise Refused
        head = f"<{RDF}nil>"
        for item in reversed(items):
            if item.__class__ is dict and "@list" in item:
                raise Refused
            node = self.blank()
            self.lines.append(f"{node} <{RDF}first> {self.object(item, depth + 1)} .\n")
            self.lines.append(f"{node} <{RDF}rest> {head} .\n")
            head = node
        return head


def _iri(value: Any) -> str:
    if value.__class__ is not str or _WRITABLE_IRI.fullmatch(value) is None:
        raise Refused
    return f"<{value}>"


def _literal(value: dict[str, Any]) -> str:
    """A value object holding "@value" and at most "@type"."""
    literal = value["@value"]
    kind = literal.__class__
    datatype = value.get("@type")
    if len(value) != (1 if datatype is None else 2):
        raise Refused
    if datatype is not None:
        # A typed boolean keeps its datatype in both (OB 3.0's `hashed`); a typed number may turn double.
        if (kind is not str and kind is not bool) or datatype in _LANG_DATATYPES:
            raise Refused
    elif kind is bool:
        datatype = XSD + "boolean"
    elif kind is int and abs(literal) < MAX_INTEGER:
        datatype = XSD + "integer"
    elif kind is not str:
        raise Refused
    if kind is bool:
        text = "true" if literal else "false"
    elif kind is int:
        text = str(literal)
    elif _CONTROLS.search(literal):
        raise Refused
    else:
        text = literal.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"' if datatype is None else f'"{text}"^^{_iri(datatype)}'


def canonical_nquads(expanded: list[Any]) -> str:
    """RDFC-1.0 canonical N-Quads of PyLD's expanded form; raises Refused when it is not for pyoxigraph."""
    if expanded.__class__ is not list:
        raise Refused
    quads = _Quads()
    for node in expanded:
        quads.subject(node, 0)
    try:
        dataset = Dataset(parse("".join(quads.lines), RdfFormat.N_QUADS, lenient=True))
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
        written = serialize(dataset, format=RdfFormat.N_QUADS) or b""  # bytes when given no output
        text = written.decode("utf-8")
    except (SyntaxError, ValueError, UnicodeError) as exc:
        raise Refused from exc
    # N-Quads lines each end with "\n": text that does not would lose its last quad to the split below.
    if text and not text.endswith("\n"):
        raise Refused
    # Split on "\n" only: str.splitlines would also cut inside a literal at U+0085, U+2028, \x1c...
    lines = [line + "\n" for line in text.split("\n")[:-1]]
    # RDFC-1.0 §4.4: the canonical N-Quads are the quads sorted in code point order.
    return "".join(sorted(lines))
