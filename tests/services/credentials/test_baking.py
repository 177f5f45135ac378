"""Baking into PNG and SVG: round trips, one badge per image, and every malformed or hostile image refused."""

from __future__ import annotations

import io
import json
import struct
import time
import zlib

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from badges.services.credentials import baking, images

JSON_TEXT = json.dumps(
    {"id": "https://example.org/assertions/1", "name": "Échanger par e-mail ✉", "note": "a]]>b ]]> ]]]>"},
    ensure_ascii=False,
)
JWS_TEXT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1cm46dXVpZDoxIn0.c2lnbmF0dXJl"
OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
FAST = 1.0  # seconds: hostile input must be refused at once, not after work proportional to its claims


def chunk(chunk_type: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", zlib.crc32(chunk_type + body))


def split_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, found = 8, []
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        found.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return found


def join_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return images.PNG_SIGNATURE + b"".join(chunk(t, b) for t, b in chunks)


def with_chunks(png: bytes, *extra: bytes) -> bytes:
    """The PNG with raw chunks inserted right after IHDR."""
    ihdr_end = 8 + 25
    return png[:ihdr_end] + b"".join(extra) + png[ihdr_end:]


def itxt(keyword: str, text: str, *, flag: int = 0, method: int = 0, lang: bytes = b"", tkey: bytes = b""):
    body = keyword.encode() + b"\0" + bytes([flag, method]) + lang + b"\0" + tkey + b"\0" + text.encode()
    return chunk(b"iTXt", body)


@pytest.fixture(scope="module")
def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (200, 30, 30, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def svg(png) -> bytes:
    return images.draw_badge_svg(png)


def bomb_png() -> bytes:
    """A valid 1-row PNG header declaring 100000 x 100000 pixels: 40 GB once decoded."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    return (
        images.PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def svg_elements(data: bytes):
    return list(fromstring(data))


# ------------------------------------------------------------------------------------------ PNG round trip


@pytest.mark.parametrize("keyword", ["openbadges", "openbadgecredential"])
@pytest.mark.parametrize("text", [JSON_TEXT, JWS_TEXT], ids=["json", "jws"])
def test_png_bake_then_unbake_gives_the_same_text(png, keyword, text):
    assert baking.unbake_png(baking.bake_png(png, keyword=keyword, text=text)) == {keyword: text}


@pytest.mark.parametrize("keyword", ["openbadges", "openbadgecredential"])
def test_png_bake_writes_one_uncompressed_itxt_with_empty_language_and_translation(png, keyword):
    baked = baking.bake_png(png, keyword=keyword, text=JSON_TEXT)
    texts = [body for kind, body in split_chunks(baked) if kind == b"iTXt"]
    assert texts == [keyword.encode() + b"\0\0\0\0\0" + JSON_TEXT.encode()]


def test_png_bake_keeps_the_image_data_and_pillow_reads_the_chunk(png):
    baked = baking.bake_png(png, keyword="openbadgecredential", text=JSON_TEXT)
    assert [c for c in split_chunks(baked) if c[0] != b"iTXt"] == split_chunks(png)
    with Image.open(io.BytesIO(baked)) as image, Image.open(io.BytesIO(png)) as original:
        assert image.text["openbadgecredential"] == JSON_TEXT
        assert image.tobytes() == original.tobytes()


@pytest.mark.parametrize("keyword", ["openbadges", "openbadgecredential"])
def test_png_rebaking_replaces_the_chunk_instead_of_adding_one(png, keyword):
    once = baking.bake_png(png, keyword=keyword, text=JSON_TEXT)
    twice = baking.bake_png(once, keyword=keyword, text=JWS_TEXT)
    assert baking.unbake_png(twice) == {keyword: JWS_TEXT}
    assert len([c for c in split_chunks(twice) if c[0] == b"iTXt"]) == 1


def test_png_rebaking_replaces_a_legacy_text_chunk(png):
    legacy = with_chunks(png, chunk(b"tEXt", b"openbadges\0https://example.org/a/1"))
    baked = baking.bake_png(legacy, keyword="openbadges", text=JSON_TEXT)
    assert baking.unbake_png(baked) == {"openbadges": JSON_TEXT}
    assert [c[0] for c in split_chunks(baked)].count(b"tEXt") == 0


def test_png_can_carry_both_versions(png):
    both = baking.bake_png(
        baking.bake_png(png, keyword="openbadges", text=JSON_TEXT),
        keyword="openbadgecredential",
        text=JWS_TEXT,
    )
    assert baking.unbake_png(both) == {"openbadges": JSON_TEXT, "openbadgecredential": JWS_TEXT}


def test_png_legacy_ob1_text_chunk_with_a_url_is_read(png):
    legacy = with_chunks(png, chunk(b"tEXt", b"openbadges\0https://example.org/a/1"))
    assert baking.unbake_png(legacy) == {"openbadges": "https://example.org/a/1"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"keyword": "openbadges", "text": "  "}, "vide"),
        ({"keyword": "openbadges", "text": "a\0b"}, "caractères de contrôle"),
        ({"keyword": "openbadges", "text": "x" * (baking.MAX_TEXT_BYTES + 1)}, "dépasse"),
        ({"keyword": "other", "text": JSON_TEXT}, "inconnu"),
    ],
    ids=["empty", "nul-byte", "too-long", "unknown-keyword"],
)
def test_png_bake_refuses_bad_arguments(png, kwargs, message):
    with pytest.raises(baking.BakingError, match=message):
        baking.bake_png(png, **kwargs)


def test_png_bake_refuses_an_image_that_is_not_a_png(svg):
    with pytest.raises(baking.BakingError, match="PNG"):
        baking.bake_png(svg, keyword="openbadges", text=JSON_TEXT)


# ------------------------------------------------------------------------------------------ PNG refusals


def _two_chunks(png):
    return with_chunks(png, itxt("openbadges", JSON_TEXT), itxt("openbadges", JWS_TEXT))


def _itxt_and_legacy(png):
    return with_chunks(png, itxt("openbadges", JSON_TEXT), chunk(b"tEXt", b"openbadges\0https://e.org/1"))


def _crc_of_the_badge(png):
    baked = baking.bake_png(png, keyword="openbadges", text=JSON_TEXT)
    at = baked.index(b"assertions")
    return baked[:at] + b"A" + baked[at + 1 :]


def _crc_of_the_image_data(png):
    baked = baking.bake_png(png, keyword="openbadges", text=JSON_TEXT)
    at = baked.index(b"IDAT") + 6
    return baked[:at] + bytes([baked[at] ^ 1]) + baked[at + 1 :]


def _truncated(png):
    return baking.bake_png(png, keyword="openbadges", text=JSON_TEXT)[:-20]


def _too_many_chunks(png):
    return with_chunks(png, *[chunk(b"tEXt", b"k\0v")] * (baking.MAX_CHUNKS + 1))


PNG_REFUSALS = [
    ("two-openbadges-chunks", _two_chunks, "plusieurs blocs"),
    (
        "two-credential-chunks",
        lambda p: with_chunks(p, *[itxt("openbadgecredential", "{}")] * 2),
        "plusieurs",
    ),
    ("itxt-and-legacy-text", _itxt_and_legacy, "plusieurs blocs"),
    ("compressed-itxt", lambda p: with_chunks(p, itxt("openbadges", "x", flag=1)), "compressé"),
    ("ztxt", lambda p: with_chunks(p, chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"{}"))), "compressé"),
    ("compression-method", lambda p: with_chunks(p, itxt("openbadges", "{}", method=1)), "mal formé"),
    ("language-tag", lambda p: with_chunks(p, itxt("openbadges", "{}", lang=b"fr")), "langue"),
    ("translated-keyword", lambda p: with_chunks(p, itxt("openbadges", "{}", tkey=b"badges")), "traduit"),
    ("no-terminators", lambda p: with_chunks(p, chunk(b"iTXt", b"openbadges\0\0\0{}")), "mal formé"),
    ("short-itxt", lambda p: with_chunks(p, chunk(b"iTXt", b"openbadges\0\0")), "mal formé"),
    ("not-utf8", lambda p: with_chunks(p, chunk(b"iTXt", b"openbadges\0\0\0\0\0\xff\xfe")), "UTF-8"),
    ("empty-text", lambda p: with_chunks(p, itxt("openbadgecredential", " ")), "vide"),
    ("credential-in-text", lambda p: with_chunks(p, chunk(b"tEXt", b"openbadgecredential\0{}")), "iTXt"),
    ("legacy-not-a-url", lambda p: with_chunks(p, chunk(b"tEXt", b"openbadges\0{}")), "adresse web"),
    (
        "text-too-long",
        lambda p: with_chunks(p, itxt("openbadges", "x" * (baking.MAX_TEXT_BYTES + 1))),
        "dépasse",
    ),
    ("crc-of-the-badge", _crc_of_the_badge, "somme de contrôle du bloc iTXt"),
    ("crc-of-the-image", _crc_of_the_image_data, "somme de contrôle du bloc IDAT"),
    ("crc-of-the-header", lambda p: p[:20] + b"\x01" + p[21:], "somme de contrôle"),
    ("truncated", _truncated, "tronquée"),
    ("truncated-in-the-header", lambda p: p[:20], "tronquée"),
    ("no-iend", lambda p: p[: p.index(b"IEND") - 4], "tronquée"),
    ("trailing-data", lambda p: baking.bake_png(p, keyword="openbadges", text="{}") + b"\0", "après sa fin"),
    ("bad-chunk-type", lambda p: with_chunks(p, chunk(b"i1Xt", b"")), "type de bloc"),
    ("too-many-chunks", _too_many_chunks, "plus de"),
    ("no-badge", lambda p: p, "Aucun badge"),
    ("not-a-png", lambda p: b"GIF89a" + p[6:], "pas une image PNG"),
    ("png-bomb", lambda p: bomb_png(), "trop grande"),
    ("too-large", lambda p: p + b"\0" * baking.MAX_INPUT_BYTES, "dépasse"),
]


@pytest.mark.parametrize(
    "make, message", [row[1:] for row in PNG_REFUSALS], ids=[row[0] for row in PNG_REFUSALS]
)
def test_png_unbake_refuses_malformed_and_hostile_images(png, make, message):
    data = make(png)
    started = time.perf_counter()
    with pytest.raises(baking.BakingError, match=message):
        baking.unbake_png(data)
    assert time.perf_counter() - started < FAST


# ------------------------------------------------------------------------------------------ SVG round trip


SVG_CASES = [
    ("ob2-hosted", "ob2", JSON_TEXT, "https://example.org/assertions/1", JSON_TEXT),
    ("ob2-signed", "ob2", "", JWS_TEXT, JWS_TEXT),
    ("ob2-jws-as-text", "ob2", JWS_TEXT, None, JWS_TEXT),
    ("ob3-json", "ob3", JSON_TEXT, None, JSON_TEXT),
    ("ob3-jwt", "ob3", "", JWS_TEXT, JWS_TEXT),
    ("ob3-jwt-as-text", "ob3", JWS_TEXT, None, JWS_TEXT),
]


@pytest.mark.parametrize(
    "version, text, verify, expected", [c[1:] for c in SVG_CASES], ids=[c[0] for c in SVG_CASES]
)
def test_svg_bake_then_unbake_gives_the_same_text(svg, version, text, verify, expected):
    baked = baking.bake_svg(svg, version=version, text=text, verify=verify)
    assert baking.unbake_svg(baked) == {version: expected}


@pytest.mark.parametrize(
    "version, namespace, local", [("ob2", OB2_NS, "assertion"), ("ob3", OB3_NS, "credential")]
)
def test_svg_badge_is_the_first_child_with_its_namespace_on_the_root(svg, version, namespace, local):
    baked = baking.bake_svg(svg, version=version, text=JSON_TEXT, verify=None)
    assert f'xmlns:openbadges="{namespace}"'.encode() in baked.split(b">", 2)[1]
    first = svg_elements(baked)[0]
    assert first.tag == f"{{{namespace}}}{local}"
    assert first.text == JSON_TEXT
    assert f"<openbadges:{local}>".encode() in baked


def test_svg_json_with_cdata_terminators_stays_inside_cdata(svg):
    baked = baking.bake_svg(svg, version="ob3", text=JSON_TEXT, verify=None)
    first = svg_elements(baked)[0]
    assert len(first) == 0 and first.text == JSON_TEXT
    assert b"]]]]><![CDATA[>" in baked


def test_svg_hosted_ob2_puts_the_url_in_verify_and_the_json_in_the_body(svg):
    baked = baking.bake_svg(svg, version="ob2", text=JSON_TEXT, verify="https://example.org/assertions/1")
    first = svg_elements(baked)[0]
    assert first.get("verify") == "https://example.org/assertions/1"
    assert first.text == JSON_TEXT


@pytest.mark.parametrize("version", ["ob2", "ob3"])
def test_svg_rebaking_replaces_the_element(svg, version):
    once = baking.bake_svg(svg, version=version, text=JSON_TEXT, verify=None)
    twice = baking.bake_svg(once, version=version, text="", verify=JWS_TEXT)
    assert baking.unbake_svg(twice) == {version: JWS_TEXT}
    assert len(svg_elements(twice)) == len(svg_elements(svg)) + 1


def test_svg_can_carry_both_versions(svg):
    ob2 = baking.bake_svg(svg, version="ob2", text=JSON_TEXT, verify="https://example.org/assertions/1")
    both = baking.bake_svg(ob2, version="ob3", text="", verify=JWS_TEXT)
    assert baking.unbake_svg(both) == {"ob2": JSON_TEXT, "ob3": JWS_TEXT}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"version": "ob3", "text": JSON_TEXT, "verify": JWS_TEXT}, "pas les deux"),
        ({"version": "ob2", "text": "", "verify": None}, "vide"),
        ({"version": "ob2", "text": "{\x01}", "verify": None}, "caractères de contrôle"),
        ({"version": "ob4", "text": JSON_TEXT, "verify": None}, "inconnue"),
    ],
    ids=["ob3-json-and-jwt", "nothing", "control-character", "unknown-version"],
)
def test_svg_bake_refuses_bad_arguments(svg, kwargs, message):
    with pytest.raises(baking.BakingError, match=message):
        baking.bake_svg(svg, **kwargs)


# ------------------------------------------------------------------------------------------ SVG refusals

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
CREDENTIAL = "<openbadges:credential><![CDATA[{}]]></openbadges:credential>"
# Ten levels of ten references: 10**9 "lol" once expanded.
LAUGHS = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (
    f'<?xml version="1.0"?><!DOCTYPE svg [{LAUGHS}]>{SVG_OPEN}'
    "<openbadges:credential>&lol9;</openbadges:credential></svg>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + SVG_OPEN
    + "<openbadges:credential>&xxe;</openbadges:credential></svg>"
)
NOT_SVG = '<html xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">' + CREDENTIAL + "</html>"
EXTERNAL_DTD = '<!DOCTYPE svg SYSTEM "http://example.org/evil.dtd">' + SVG_OPEN + CREDENTIAL + "</svg>"
DEEP = baking.MAX_SVG_DEPTH + 1
SVG_REFUSALS = [
    ("billion-laughs", BILLION_LAUGHS, "DOCTYPE"),
    ("external-entity", EXTERNAL_ENTITY, "DOCTYPE"),
    ("external-dtd", EXTERNAL_DTD, "DOCTYPE"),
    ("two-credentials", SVG_OPEN + CREDENTIAL * 2 + "</svg>", "plusieurs"),
    ("nested-second-credential", SVG_OPEN + CREDENTIAL + "<g>" + CREDENTIAL + "</g></svg>", "plusieurs"),
    ("child-element", SVG_OPEN + "<openbadges:credential><g/></openbadges:credential></svg>", "autres"),
    ("empty-element", SVG_OPEN + "<openbadges:credential> </openbadges:credential></svg>", "vide"),
    ("unbound-prefix", '<svg xmlns="http://www.w3.org/2000/svg">' + CREDENTIAL + "</svg>", "XML valide"),
    ("not-xml", "<svg", "XML valide"),
    ("not-svg", NOT_SVG, "pas une image SVG"),
    ("no-badge", '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', "Aucun badge"),
    ("too-many-elements", SVG_OPEN + "<g/>" * (baking.MAX_SVG_ELEMENTS + 1) + "</svg>", "éléments"),
    ("too-deep", SVG_OPEN + "<g>" * DEEP + "</g>" * DEEP + "</svg>", "niveaux"),
    ("too-large", SVG_OPEN + CREDENTIAL + " " * baking.MAX_INPUT_BYTES + "</svg>", "dépasse"),
]


@pytest.mark.parametrize(
    "document, message", [row[1:] for row in SVG_REFUSALS], ids=[row[0] for row in SVG_REFUSALS]
)
def test_svg_unbake_refuses_malformed_and_hostile_documents(document, message):
    started = time.perf_counter()
    with pytest.raises(baking.BakingError, match=message):
        baking.unbake_svg(document.encode())
    assert time.perf_counter() - started < FAST


def test_svg_bake_refuses_a_document_with_entities(svg):
    with pytest.raises(baking.BakingError, match="DOCTYPE"):
        baking.bake_svg(BILLION_LAUGHS.encode(), version="ob3", text=JSON_TEXT, verify=None)


def test_svg_reads_a_badge_baked_elsewhere_with_whitespace_around_the_cdata():
    text = json.dumps({"id": "urn:uuid:1", "name": "Échanger"}, ensure_ascii=False)
    body = f"\n  <openbadges:credential>\n<![CDATA[ {text} ]]>\n</openbadges:credential>"
    assert baking.unbake_svg((SVG_OPEN + body + "</svg>").encode()) == {"ob3": text}
