"""Baking Open Badges into PNG and SVG images and reading them back (docs/standards.md#S-baking)."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.dom.minidom import Document
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.minidom import parseString

from badges.services.credentials import images
from badges.services.shared.errors import InvalidInput, ServiceError
from badges.services.shared.input_limits import JWS_RE, MAX_INPUT_BYTES
from badges.services.shared.messages import N_, Message, message

IMAGE_TOO_LARGE = message("baking.image_too_large", N_("L'image dépasse %(mb)s Mo."))
TOO_MANY_CHUNKS = message(
    "baking.too_many_chunks", N_("L'image PNG contient plus de %(max)s blocs : refusée.")
)
PNG_TRUNCATED = message("image.png_truncated", N_("L'image PNG est tronquée."))
BAD_CHUNK_TYPE = message("baking.chunk_type", N_("L'image PNG est mal formée : type de bloc invalide."))
CHUNK_CRC = message(
    "baking.chunk_crc", N_("L'image PNG est corrompue : somme de contrôle du bloc %(name)s incorrecte.")
)
TRAILING_DATA = message(
    "baking.trailing_data", N_("L'image PNG contient des données après sa fin : refusée.")
)
EMPTY_TEXT = message("baking.empty_text", N_("Le texte à intégrer dans l'image est vide."))
TEXT_TOO_LARGE = message("baking.text_too_large", N_("Le texte à intégrer dépasse %(kb)s Ko."))
TEXT_CONTROL = message("baking.text_control", N_("Le texte à intégrer contient des caractères de contrôle."))
BAKED_TOO_LARGE = message("baking.baked_too_large", N_("L'image du badge dépasserait %(mb)s Mo."))
UNKNOWN_KEYWORD = message("baking.unknown_keyword", N_("Mot-clé de badge PNG inconnu : %(keyword)s."))
BAD_ITXT = message("baking.bad_itxt", N_("Le bloc iTXt « %(keyword)s » est mal formé."))
COMPRESSED = message(
    "baking.compressed", N_("Le bloc « %(keyword)s » est compressé : refusé (il doit être non compressé).")
)
LANGUAGE_TAG = message(
    "baking.language_tag", N_("Le bloc « %(keyword)s » a une langue ou un mot-clé traduit : refusé.")
)
CHUNK = message("baking.chunk", N_("Le bloc « %(keyword)s »"))
LEGACY_CHUNK = message("baking.legacy_chunk", N_("Le bloc tEXt « openbadges »"))
ELEMENT = message("baking.element", N_("L'élément openbadges:%(local)s"))
PLACE_TOO_LARGE = message("baking.place_too_large", N_("%(where)s dépasse %(kb)s Ko."))
PLACE_NOT_UTF8 = message("baking.place_not_utf8", N_("%(where)s n'est pas du texte UTF-8 valide."))
PLACE_EMPTY = message("baking.place_empty", N_("%(where)s est vide."))
LEGACY_NOT_URL = message(
    "baking.legacy_not_url",
    N_("Le bloc tEXt « openbadges » (Open Badges 1.x) ne contient pas une adresse web."),
)
SEVERAL_CHUNKS = message(
    "baking.several_chunks", N_("L'image contient plusieurs blocs « %(keyword)s » : refusée.")
)
CREDENTIAL_NOT_ITXT = message(
    "baking.credential_not_itxt", N_("Le bloc « openbadgecredential » doit être un bloc iTXt.")
)
NOTHING_IN_PNG = message("baking.nothing_in_png", N_("Aucun badge n'est intégré dans cette image PNG."))
SVG_TOO_MANY_ELEMENTS = message(
    "baking.svg_elements", N_("Le SVG contient plus de %(max)s éléments : refusé.")
)
SVG_TOO_DEEP = message("baking.svg_depth", N_("Le SVG est imbriqué sur plus de %(max)s niveaux : refusé."))
SVG_DOCTYPE = message(
    "baking.svg_doctype", N_("Le SVG contient une déclaration DOCTYPE : refusé (entités interdites).")
)
SVG_ENTITIES = message(
    "baking.svg_entities", N_("Le SVG déclare des entités ou des références externes : refusé.")
)
SVG_NOT_XML = message("baking.svg_not_xml", N_("Le SVG n'est pas du XML valide : %(error)s."))
NOT_SVG = message("baking.not_svg", N_("Ce document XML n'est pas une image SVG."))
UNKNOWN_VERSION = message("baking.unknown_version", N_("Version de badge SVG inconnue : %(version)s."))
JSON_OR_JWT = message(
    "baking.json_or_jwt", N_("Open Badges 3.0 : soit le JSON, soit le JWT dans `verify`, pas les deux.")
)
SEVERAL_ELEMENTS = message(
    "baking.several_elements", N_("Le SVG contient plusieurs éléments openbadges:%(local)s : refusé.")
)
NOTHING_IN_SVG = message("baking.nothing_in_svg", N_("Aucun badge n'est intégré dans cette image SVG."))
ELEMENT_NOT_TEXT = message(
    "baking.element_not_text", N_("L'élément openbadges:%(local)s contient d'autres éléments : refusé.")
)

PngKeyword = Literal["openbadges", "openbadgecredential"]
SvgVersion = Literal["ob2", "ob3"]

PNG_KEYWORDS: tuple[str, ...] = ("openbadges", "openbadgecredential")
TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
MAX_CHUNKS = 10_000
MAX_TEXT_BYTES = 1024 * 1024
MAX_SVG_ELEMENTS = 10_000
MAX_SVG_DEPTH = 128

SVG_ROOTS = ("{http://www.w3.org/2000/svg}svg", "svg")
SVG_PREFIX = "openbadges"
# Version -> (namespace, local name of the element) (docs/standards.md#S-baking).
SVG_ELEMENTS: dict[str, tuple[str, str]] = {
    "ob2": ("http://openbadges.org", "assertion"),
    "ob3": ("https://purl.imsglobal.org/ob/v3p0", "credential"),
}
# Characters XML 1.0 cannot carry at all, even in CDATA (XML 1.0 §2.2).
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class BakingError(ServiceError):
    """An image cannot be baked or read back; the message is French and safe to show."""


# ------------------------------------------------------------------------------------------------ PNG


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    start: int  # offset of the length field
    end: int  # offset just after the CRC
    data: bytes


def _read_chunks(data: bytes) -> list[_Chunk]:
    """Every chunk from IHDR to IEND, CRCs checked; anything truncated, corrupt or trailing is refused."""
    if len(data) > MAX_INPUT_BYTES:
        raise BakingError(IMAGE_TOO_LARGE(mb=MAX_INPUT_BYTES // (1024 * 1024)))
    try:
        images.check_png_safely(data)
    except InvalidInput as exc:
        raise BakingError(exc.field_messages["image"]) from exc
    view = memoryview(data)
    chunks: list[_Chunk] = []
    pos = len(images.PNG_SIGNATURE)
    while not chunks or chunks[-1].type != b"IEND":
        if len(chunks) >= MAX_CHUNKS:
            raise BakingError(TOO_MANY_CHUNKS(max=MAX_CHUNKS))
        if pos + 12 > len(data):
            raise BakingError(PNG_TRUNCATED)
        length, chunk_type = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data):
            raise BakingError(PNG_TRUNCATED)
        if not chunk_type.isalpha():  # PNG 1.2 §5.4: chunk types are four ASCII letters
            raise BakingError(BAD_CHUNK_TYPE)
        if zlib.crc32(view[pos + 4 : end - 4]) != struct.unpack_from(">I", data, end - 4)[0]:
            name = chunk_type.decode("ascii")
            raise BakingError(CHUNK_CRC(name=name))
        chunks.append(_Chunk(chunk_type, pos, end, data[pos + 8 : end - 4]))
        pos = end
    if pos != len(data):
        raise BakingError(TRAILING_DATA)
    return chunks


def _keyword(chunk: _Chunk) -> str | None:
    if chunk.type not in TEXT_CHUNKS:
        return None
    return chunk.data.split(b"\0", 1)[0].decode("latin-1")


def _chunk_bytes(chunk_type: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + body)
    return struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", crc)


def _payload(text: str) -> bytes:
    payload = text.encode("utf-8")
    if not text.strip():
        raise BakingError(EMPTY_TEXT)
    if len(payload) > MAX_TEXT_BYTES:
        raise BakingError(TEXT_TOO_LARGE(kb=MAX_TEXT_BYTES // 1024))
    if _NOT_XML_CHAR.search(text):
        raise BakingError(TEXT_CONTROL)
    return payload


def _checked_output(baked: bytes) -> bytes:
    if len(baked) > MAX_INPUT_BYTES:  # never produce an image that this service would refuse to read
        raise BakingError(BAKED_TOO_LARGE(mb=MAX_INPUT_BYTES // (1024 * 1024)))
    return baked


def bake_png(image: bytes, *, keyword: PngKeyword, text: str) -> bytes:
    """The PNG with exactly one uncompressed iTXt chunk `keyword` holding `text`, placed after IHDR.

    Any earlier text chunk with the same keyword is dropped (docs/standards.md#S-baking: replace, never two);
    every other chunk, image data included, is copied byte for byte.
    """
    if keyword not in PNG_KEYWORDS:
        raise BakingError(UNKNOWN_KEYWORD(keyword=keyword))
    # iTXt: keyword, NUL, compression flag 0, method 0, empty language tag + NUL, empty translation + NUL.
    body = keyword.encode("latin-1") + b"\0\0\0\0\0" + _payload(text)
    chunks = _read_chunks(image)
    kept = [image[c.start : c.end] for c in chunks[1:] if _keyword(c) != keyword]
    header = image[: chunks[0].end]
    return _checked_output(b"".join([header, _chunk_bytes(b"iTXt", body), *kept]))


def _itxt_text(data: bytes, keyword: str) -> str:
    rest = data[len(keyword) + 1 :]
    if len(rest) < 4:  # compression flag, compression method, two NUL terminators
        raise BakingError(BAD_ITXT(keyword=keyword))
    if rest[0] != 0:
        raise BakingError(COMPRESSED(keyword=keyword))
    language, found_language, rest = rest[2:].partition(b"\0")
    translated, found_translated, text = rest.partition(b"\0")
    if data[len(keyword) + 2] != 0 or not (found_language and found_translated):
        raise BakingError(BAD_ITXT(keyword=keyword))
    if language or translated:
        raise BakingError(LANGUAGE_TAG(keyword=keyword))
    return _decoded(text, CHUNK(keyword=keyword))


def _decoded(raw: bytes, where: Message, encoding: str = "utf-8") -> str:
    if len(raw) > MAX_TEXT_BYTES:
        raise BakingError(PLACE_TOO_LARGE(where=where, kb=MAX_TEXT_BYTES // 1024))
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BakingError(PLACE_NOT_UTF8(where=where)) from exc
    if not text.strip():
        raise BakingError(PLACE_EMPTY(where=where))
    return text


def _legacy_url(data: bytes) -> str:
    """OB 1.x: a tEXt chunk `openbadges` holding the assertion URL (docs/standards.md#S-baking)."""
    url = _decoded(data[len(b"openbadges\0") :], LEGACY_CHUNK, "latin-1").strip()
    if not url.startswith(("https://", "http://")) or any(ch.isspace() for ch in url):
        raise BakingError(LEGACY_NOT_URL)
    return url


def unbake_png(data: bytes) -> dict[str, str]:
    """The texts baked in a PNG, by keyword (`openbadges`, `openbadgecredential`)."""
    found: dict[str, str] = {}
    for chunk in _read_chunks(data):
        keyword = _keyword(chunk)
        if keyword not in PNG_KEYWORDS:
            continue
        if keyword in found:
            # Two readers could pick different chunks: ambiguity is refused (docs/standards.md#S-baking: never
            # more than one).
            raise BakingError(SEVERAL_CHUNKS(keyword=keyword))
        if chunk.type == b"zTXt":
            raise BakingError(COMPRESSED(keyword=keyword))
        if chunk.type == b"tEXt" and keyword == "openbadgecredential":
            raise BakingError(CREDENTIAL_NOT_ITXT)
        found[keyword] = _legacy_url(chunk.data) if chunk.type == b"tEXt" else _itxt_text(chunk.data, keyword)
    if not found:
        raise BakingError(NOTHING_IN_PNG)
    return found


# ------------------------------------------------------------------------------------------------ SVG


class _LimitedBuilder(TreeBuilder):
    """Stops the parse as soon as the element count or the depth passes its limit."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.count += 1
        self.depth += 1
        if self.count > MAX_SVG_ELEMENTS:
            raise BakingError(SVG_TOO_MANY_ELEMENTS(max=MAX_SVG_ELEMENTS))
        if self.depth > MAX_SVG_DEPTH:
            raise BakingError(SVG_TOO_DEEP(max=MAX_SVG_DEPTH))
        return super().start(tag, attrs)

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


def _parse_svg(data: bytes) -> Element:
    """The SVG tree, parsed without DTD, entities or external references, within size limits."""
    if len(data) > MAX_INPUT_BYTES:
        raise BakingError(IMAGE_TOO_LARGE(mb=MAX_INPUT_BYTES // (1024 * 1024)))
    parser = DefusedXMLParser(
        target=_LimitedBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        root: Element = parser.close()
    except DTDForbidden as exc:
        raise BakingError(SVG_DOCTYPE) from exc
    except DefusedXmlException as exc:
        raise BakingError(SVG_ENTITIES) from exc
    except (SyntaxError, ValueError) as exc:  # expat's ParseError is a SyntaxError
        raise BakingError(SVG_NOT_XML(error=str(exc))) from exc
    if root.tag not in SVG_ROOTS:
        raise BakingError(NOT_SVG)
    return root


def bake_svg(svg: bytes, *, version: SvgVersion, text: str, verify: str | None) -> bytes:
    """The SVG with exactly one badge element, first child of <svg> (docs/standards.md#S-baking).

    `text` (JSON) goes in the element body as CDATA; `verify` becomes the `verify` attribute: the compact JWS
    of a signed OB 2.0 assertion or a VC-JWT (a JWS passed as `text` is moved there). OB 2.0 also allows the
    assertion URL for a hosted OB 2.0 badge, but 1EdTech's validator then fails (tests/interop): pass None.
    An earlier element of the same version is replaced.
    """
    if version not in SVG_ELEMENTS:
        raise BakingError(UNKNOWN_VERSION(version=version))
    if verify is None and JWS_RE.match(text.strip()):
        text, verify = "", text.strip()
    if verify is not None:
        _payload(verify)
    if text:
        _payload(text)
    elif verify is None:
        raise BakingError(EMPTY_TEXT)
    if version == "ob3" and text and verify is not None:
        raise BakingError(JSON_OR_JWT)
    _parse_svg(svg)  # limits, no DTD and an <svg> root, before the DOM parse below
    doc = parseString(svg, forbid_dtd=True)
    try:
        _insert_badge(doc, version=version, text=text, verify=verify)
        baked: bytes = doc.toxml(encoding="utf-8")
    finally:
        doc.unlink()
    return _checked_output(baked)


def _insert_badge(doc: Document, *, version: str, text: str, verify: str | None) -> None:
    namespace, local = SVG_ELEMENTS[version]
    root = doc.documentElement
    if root is None:
        raise BakingError(NOT_SVG)
    for old in list(root.getElementsByTagNameNS(namespace, local)):
        if old.parentNode is not None:
            old.parentNode.removeChild(old)
    element = doc.createElementNS(namespace, f"{SVG_PREFIX}:{local}")
    declared = root.getAttribute(f"xmlns:{SVG_PREFIX}")
    if not declared:
        root.setAttribute(f"xmlns:{SVG_PREFIX}", namespace)
    elif declared != namespace:  # the prefix is taken by the other version: bind it on the element
        element.setAttribute(f"xmlns:{SVG_PREFIX}", namespace)
    if verify is not None:
        element.setAttribute("verify", verify)
    for piece in _cdata_pieces(text):
        element.appendChild(doc.createCDATASection(piece))
    root.insertBefore(element, root.firstChild)


def _cdata_pieces(text: str) -> list[str]:
    """CDATA sections whose concatenation is `text`: each `]]>` is split as `]]` | `>`, so none ends early."""
    if not text:
        return []
    parts = text.split("]]>")
    pieces = [parts[0]]
    for part in parts[1:]:
        pieces[-1] += "]]"
        pieces.append(">" + part)
    return pieces


def unbake_svg(data: bytes) -> dict[str, str]:
    """The texts baked in an SVG, by version (`ob2`, `ob3`): the element body, else its `verify`."""
    root = _parse_svg(data)
    found: dict[str, str] = {}
    for version, (namespace, local) in SVG_ELEMENTS.items():
        elements = list(root.iter(f"{{{namespace}}}{local}"))
        if len(elements) > 1:
            raise BakingError(SEVERAL_ELEMENTS(local=local))
        if elements:
            found[version] = _element_text(elements[0], local)
    if not found:
        raise BakingError(NOTHING_IN_SVG)
    return found


def _element_text(element: Element, local: str) -> str:
    if len(element):
        raise BakingError(ELEMENT_NOT_TEXT(local=local))
    body = (element.text or "").strip()
    text = body or (element.get("verify") or "").strip()
    if not text:
        raise BakingError(PLACE_EMPTY(where=ELEMENT(local=local)))
    return _decoded(text.encode("utf-8"), ELEMENT(local=local))
