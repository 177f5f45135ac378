"""Badge images: drawn with Pillow when none is uploaded, and uploaded ones checked safely."""

from __future__ import annotations

import base64
import functools
import io
import struct
import textwrap
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont, ImageOps

from badges.services.shared.errors import InvalidInput
from badges.services.shared.messages import N_, Message, message

TOO_MANY_PIXELS = message("image.too_many_pixels", N_("L'image est trop grande (%(limit)s pixels au plus)."))
TOO_MANY_PIXELS_SIZED = message(
    "image.too_many_pixels_sized",
    N_("L'image est trop grande (%(width)s x %(height)s, %(limit)s pixels au plus)."),
)
NOT_PNG = message("image.not_png", N_("Ce fichier n'est pas une image PNG."))
PNG_TRUNCATED = message("image.png_truncated", N_("L'image PNG est tronquée."))
PNG_NO_HEADER = message(
    "image.png_no_header", N_("L'image PNG est mal formée : elle ne commence pas par son en-tête.")
)
PNG_HEADER_CRC = message(
    "image.png_header_crc", N_("L'image PNG est corrompue : somme de contrôle de l'en-tête incorrecte.")
)
PNG_DIMENSIONS = message("image.png_dimensions", N_("L'image PNG est mal formée : dimensions invalides."))
FILE_TOO_LARGE = message("image.file_too_large", N_("L'image dépasse %(mb)s Mo."))
PNG_OR_JPEG = message("image.png_or_jpeg", N_("Seules les images PNG et JPEG sont acceptées."))
UNREADABLE = message("image.unreadable", N_("L'image %(kind)s est illisible ou endommagée."))

SIZE = 600
# Colour families: chosen from the class's palette key, never from (or showing) a profile label.
PALETTES: dict[str, tuple[str, str]] = {
    "bleu": ("#1d4e89", "#e8f1fb"),
    "vert": ("#1f6b3a", "#e6f4ea"),
    "orange": ("#8a4b08", "#fdf0e1"),
    "violet": ("#5b2a86", "#f1e8f8"),
    "gris": ("#37474f", "#eceff1"),
}
LEVEL_LABELS = {
    "N1": "Je découvre",
    "N2": "Je fais seul",
    "N3": "Je me débrouille",
    "N4": "J'aide les autres",
}


FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"


@functools.lru_cache(maxsize=32)
def _font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont:
    """DejaVu Sans, shipped with the package: it has every French accent (Pillow's default font has not)."""
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def _fit_title(draw: ImageDraw.ImageDraw, title: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which the title fits the disc in at most four lines."""
    for size in (56, 50, 44, 38, 32, 28):
        font = _font(size)
        width = max(8, int(420 / (size * 0.62)))
        lines = textwrap.wrap(title, width=width)
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= 430 for line in lines):
            return font, lines
    font = _font(28)
    return font, textwrap.wrap(title, width=22)[:4]


def draw_badge(title: str, level: str, palette: str = "bleu") -> bytes:
    """A 600x600 PNG: a round badge with the title and the level, high contrast (FALC: legible, no jargon)."""
    dark, light = PALETTES.get(palette, PALETTES["bleu"])
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=dark)
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), fill=light)
    font, lines = _fit_title(draw, title)
    line_height = int(font.size * 1.2)
    y = 250 - line_height * (len(lines) - 1) / 2
    for line in lines:
        draw.text((SIZE / 2, y), line, font=font, fill=dark, anchor="mm")
        y += line_height
    draw.rounded_rectangle((130, 410, 470, 510), radius=34, fill=dark)
    draw.text((SIZE / 2, 440), level, font=_font(34), fill="white", anchor="mm")
    draw.text(
        (SIZE / 2, 482), LEVEL_LABELS.get(level, ""), font=_font(26, bold=False), fill="white", anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# Uploaded images (design: outside input is hostile). The pixel limit is checked on the header before any
# decoding; Pillow's own bomb check is set to the same figure, as a second line of defence.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 5000 x 5000; a 24-megapixel phone photo passes
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _refuse(said: Message) -> InvalidInput:
    return InvalidInput({"image": said})


def _too_large(width: int | None = None, height: int | None = None) -> InvalidInput:
    limit = f"{MAX_PIXELS:,}".replace(",", "\u202f")  # French thousands separator
    if width is None:
        return _refuse(TOO_MANY_PIXELS(limit=limit))
    return _refuse(TOO_MANY_PIXELS_SIZED(width=width, height=height, limit=limit))


def check_png_safely(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR only; refuses a declared size above the limit."""
    if not data.startswith(PNG_SIGNATURE):
        raise _refuse(NOT_PNG)
    if len(data) < 33:  # signature, then IHDR: length, type, 13 bytes of data, CRC
        raise _refuse(PNG_TRUNCATED)
    length, chunk_type = struct.unpack_from(">I4s", data, 8)
    if chunk_type != b"IHDR" or length != 13:
        raise _refuse(PNG_NO_HEADER)
    if zlib.crc32(data[12:29]) != struct.unpack_from(">I", data, 29)[0]:
        raise _refuse(PNG_HEADER_CRC)
    width, height = struct.unpack_from(">II", data, 16)
    if not (0 < width < 2**31 and 0 < height < 2**31):  # PNG 1.2 §11.2.2
        raise _refuse(PNG_DIMENSIONS)
    if width * height > MAX_PIXELS:
        raise _too_large(width, height)
    return width, height


def normalise_upload(data: bytes) -> bytes:
    """An uploaded PNG or JPEG, re-encoded as a 600x600 PNG (letterboxed, transparent), metadata removed."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(FILE_TOO_LARGE(mb=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if data.startswith(PNG_SIGNATURE):
        check_png_safely(data)
        kind = "PNG"
    elif data.startswith(JPEG_SIGNATURE):
        kind = "JPEG"
    else:
        raise _refuse(PNG_OR_JPEG)
    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as image:
            width, height = image.size  # read from the header: nothing is decoded yet
            if width * height > MAX_PIXELS:
                raise _too_large(width, height)
            image.draft("RGB", (SIZE, SIZE))  # JPEG: decode directly at a reduced scale
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        raise _refuse(UNREADABLE(kind=kind)) from exc
    fitted = ImageOps.contain(upright, (SIZE, SIZE), Image.Resampling.LANCZOS)
    # A fresh canvas carries no metadata (EXIF, text chunks, ICC): nothing of the upload survives but pixels.
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    canvas.paste(fitted, ((SIZE - fitted.width) // 2, (SIZE - fitted.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_badge_svg(png: bytes, *, title: str = "Badge") -> bytes:
    """A 600x600 SVG showing the PNG, so that every badge can also be baked as SVG
    (docs/standards.md#S-baking)."""
    check_png_safely(png)
    encoded = base64.b64encode(png).decode("ascii")
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="badge-title">'
        f'<title id="badge-title">{escape(title)}</title>'
        f'<image width="{SIZE}" height="{SIZE}" href="data:image/png;base64,{encoded}"/>'
        "</svg>\n"
    )
    return svg.encode("utf-8")
