"""QR codes as module matrices and as small SVG images (vector: sharp on screens and on paper)."""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants

QUIET_ZONE = 4  # modules of white around the code (ISO/IEC 18004 asks for four)


def matrix(data: str) -> list[list[bool]]:
    """Dark modules of the smallest QR code holding `data`, medium error correction, no border."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def svg(data: str, *, title: str) -> bytes:
    """An SVG image of the code; dark runs of each row are drawn as one rectangle."""
    rows = matrix(data)
    size = len(rows) + 2 * QUIET_ZONE
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    ).encode()


def svg_data_uri(data: str, *, title: str) -> str:
    """The SVG inline in a page (for a link shown once, which no image URL may repeat)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(data, title=title)).decode("ascii")
