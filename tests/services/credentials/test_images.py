"""Badge images: uploads normalised to a clean 600x600 PNG, bombs and other formats refused, SVG wrapper."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image, PngImagePlugin

from badges.services.credentials import images
from badges.services.shared.errors import InvalidInput

SVG = "{http://www.w3.org/2000/svg}"
FAST = 1.0


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def chunk(chunk_type: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", zlib.crc32(chunk_type + body))


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG of a few bytes whose header claims width x height RGBA pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return images.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG whose SOF0 header is rewritten to claim width x height."""
    data = bytearray(encode(Image.new("RGB", (8, 8), "red"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def wide_png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone private")
    info.add_itxt("openbadges", '{"hidden": true}', zip=False)
    return encode(Image.new("RGB", (1200, 600), (10, 120, 200)), "PNG", pnginfo=info)


def photo_jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    return encode(Image.new("RGB", (300, 150), (250, 200, 0)), "JPEG", exif=exif)


GOOD_UPLOADS = [
    ("wide-png-with-metadata", wide_png_with_metadata),
    ("palette-png-with-transparency", lambda: encode(Image.new("P", (50, 80)), "PNG", transparency=0)),
    ("grey-png-16-bit", lambda: encode(Image.new("I;16", (40, 40)), "PNG")),
    ("photo-jpeg-with-exif", photo_jpeg_with_exif),
    ("cmyk-jpeg", lambda: encode(Image.new("CMYK", (64, 64), (0, 50, 100, 0)), "JPEG")),
    ("tiny-png", lambda: encode(Image.new("RGBA", (1, 1), (0, 0, 0, 255)), "PNG")),
]


@pytest.mark.parametrize("make", [row[1] for row in GOOD_UPLOADS], ids=[row[0] for row in GOOD_UPLOADS])
def test_normalise_upload_gives_a_600_pixel_square_png_without_metadata(make):
    result = images.normalise_upload(make())
    image = decoded(result)
    assert (image.format, image.size, image.mode) == ("PNG", (600, 600), "RGBA")
    assert image.info.keys() <= {"dpi"} and not getattr(image, "text", {})
    assert b"eXIf" not in result and b"tEXt" not in result and b"iTXt" not in result


def test_normalise_upload_letterboxes_with_transparency():
    image = decoded(images.normalise_upload(wide_png_with_metadata()))
    assert image.getpixel((300, 10))[3] == 0  # band above a 2:1 picture
    assert image.getpixel((300, 300)) == (10, 120, 200, 255)


def test_normalise_upload_applies_the_exif_orientation():
    image = decoded(images.normalise_upload(photo_jpeg_with_exif()))
    # 300x150 turned upright becomes 150x300: transparent bands on the left and right.
    assert image.getpixel((10, 300))[3] == 0
    assert image.getpixel((300, 10))[3] == 255


def _gif() -> bytes:
    return encode(Image.new("RGB", (10, 10)), "GIF")


def _truncated_png() -> bytes:
    return wide_png_with_metadata()[:2000]


def _truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((400, 400), 80).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


BAD_UPLOADS = [
    ("gif", _gif, "PNG et JPEG"),
    ("webp", lambda: encode(Image.new("RGB", (10, 10)), "WEBP"), "PNG et JPEG"),
    ("svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "PNG et JPEG"),
    ("garbage", lambda: b"\x00\x01garbage" * 50, "PNG et JPEG"),
    ("empty", lambda: b"", "PNG et JPEG"),
    ("png-magic-then-garbage", lambda: images.PNG_SIGNATURE + b"garbage" * 10, "PNG"),
    ("jpeg-magic-then-garbage", lambda: images.JPEG_SIGNATURE + b"garbage" * 10, "illisible"),
    ("truncated-png", _truncated_png, "illisible"),
    ("truncated-jpeg", _truncated_jpeg, "illisible"),
    ("png-bomb", lambda: png_declaring(100_000, 100_000), "trop grande"),
    ("png-just-over-the-limit", lambda: png_declaring(5001, 5000), "trop grande"),
    ("jpeg-bomb", lambda: jpeg_declaring(60_000, 60_000), "trop grande"),
    ("jpeg-just-over-the-limit", lambda: jpeg_declaring(5001, 5000), "trop grande"),
    ("huge-file", lambda: images.PNG_SIGNATURE + b"\0" * images.MAX_UPLOAD_BYTES, "dépasse"),
]


@pytest.mark.parametrize(
    "make, message", [row[1:] for row in BAD_UPLOADS], ids=[row[0] for row in BAD_UPLOADS]
)
def test_normalise_upload_refuses_other_formats_broken_files_and_bombs(make, message):
    data = make()
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as raised:
        images.normalise_upload(data)
    assert time.perf_counter() - started < FAST
    assert message in raised.value.fields["image"]


@pytest.mark.parametrize(
    "data, message",
    [
        (png_declaring(100_000, 100_000), "trop grande"),
        (png_declaring(0, 10), "dimensions"),
        (png_declaring(2**31, 1), "dimensions"),
        (b"GIF89a" + b"\0" * 40, "pas une image PNG"),
        (images.PNG_SIGNATURE + b"\0" * 10, "tronquée"),
        (images.PNG_SIGNATURE + chunk(b"IDAT", b"\0" * 13) + b"\0" * 10, "en-tête"),
        (png_declaring(10, 10)[:20] + b"\xff" + png_declaring(10, 10)[21:], "somme de contrôle"),
    ],
    ids=["bomb", "zero-width", "width-out-of-range", "not-png", "truncated", "no-ihdr", "bad-crc"],
)
def test_check_png_safely_refuses_without_decoding(data, message):
    with pytest.raises(InvalidInput) as raised:
        images.check_png_safely(data)
    assert message in raised.value.fields["image"]


def test_check_png_safely_returns_the_declared_size():
    assert images.check_png_safely(png_declaring(600, 400)) == (600, 400)


def test_draw_badge_svg_is_valid_svg_wrapping_the_png():
    png = images.draw_badge("Échanger par e-mail", "N2")
    root = fromstring(images.draw_badge_svg(png, title="Échanger <par> e-mail & plus"))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("600", "600", "0 0 600 600")
    assert root.find(f"{SVG}title").text == "Échanger <par> e-mail & plus"
    href = root.find(f"{SVG}image").get("href")
    assert href.startswith("data:image/png;base64,")
    assert base64.b64decode(href.split(",", 1)[1]) == png


def test_draw_badge_svg_refuses_what_is_not_a_png():
    with pytest.raises(InvalidInput):
        images.draw_badge_svg(b"<svg/>")
