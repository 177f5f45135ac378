"""The one-page printable certificate handed over at the end of an atelier (no e-mail needed).

Badge image, what the person knows in plain words, the tiers-lieu, the date, a QR code that opens the
verification result, and the claim code to type when there is no camera. French only: it is printed
in France for French readers. No profile label, and the name only if the person chose to show it.
"""

from __future__ import annotations

import functools
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer
from sqlalchemy.orm import Session

from badges.models import Credential
from badges.services.credentials import qr, sharing
from badges.services.credentials.images import FONTS
from badges.services.credentials.links import Links
from badges.services.holders import badge_view
from badges.services.shared.errors import RuleError

PARIS = ZoneInfo("Europe/Paris")
INK, ACCENT, MUTED = HexColor("#1a1a1a"), HexColor("#1d4e89"), HexColor("#4a4a4a")
WIDTH, HEIGHT = A4
MARGIN = 48


@functools.cache
def _fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with the package) has every French accent and typographic apostrophe."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    # So that <b> in a paragraph switches to the bold face.
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu",
                                  boldItalic="DejaVu-Bold")  # fmt: skip
    return "DejaVu", "DejaVu-Bold"


def french_date(moment: datetime) -> str:
    return format_date(moment.astimezone(PARIS), format="long", locale="fr_FR")


def _style(size: float, *, bold: bool = False, color: Any = INK, space: float = 4) -> ParagraphStyle:
    regular, heavy = _fonts()
    return ParagraphStyle(
        f"s{size}{bold}", fontName=heavy if bold else regular, fontSize=size, leading=size * 1.3,
        textColor=color, spaceAfter=space,
    )  # fmt: skip


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def certificate_data(session: Session, links: Links, credential: Credential, now: datetime) -> dict[str, Any]:
    """What the certificate says; a revoked badge gets none (it must not be shown as proof)."""
    view = badge_view.credential_view(session, links, credential, now)
    if view["status"] == "revoque":
        raise RuleError("Ce badge a été révoqué : il n'a plus de certificat.")
    code = sharing.claim_code(session, credential=credential, now=now)
    person = credential.beneficiary
    return {
        **view,
        "claim_code": sharing.format_code(code),
        "qr_url": badge_view.verifier_url(links, code=code),
        "verifier": f"{links.base}/verifier",
        "date": french_date(credential.issued_at),
        "until": french_date(credential.valid_until) if credential.valid_until else None,
        "holder": person.display_name if person is not None and person.show_name_in_badges else None,
        "image_png": credential.revision.image_png,
    }


def _head(canvas: Canvas, data: dict[str, Any]) -> float:
    regular, heavy = _fonts()
    canvas.setFillColor(ACCENT)
    canvas.rect(0, HEIGHT - 70, WIDTH, 70, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.setFont(heavy, 20)
    canvas.drawString(MARGIN, HEIGHT - 44, "Certificat de badge numérique")
    image = ImageReader(io.BytesIO(data["image_png"]))
    canvas.drawImage(image, MARGIN, HEIGHT - 260, width=170, height=170, mask="auto")
    return HEIGHT - 90


def _facts(data: dict[str, Any]) -> list[Any]:
    story: list[Any] = [Paragraph(_esc(data["name"]), _style(20, bold=True, color=ACCENT, space=10))]
    if data["holder"]:
        story.append(Paragraph("Délivré à : " + _esc(data["holder"]), _style(13)))
    story += [
        Paragraph("Délivré par : <b>" + _esc(data["issuer"]["name"]) + "</b>", _style(13)),
        Paragraph("Le : <b>" + _esc(data["date"]) + "</b>", _style(13)),
    ]
    if data["until"]:
        story.append(Paragraph("Valable jusqu'au : " + _esc(data["until"]), _style(13)))
    if data["level"]["label"]:
        story.append(Paragraph("Mon niveau : " + _esc(data["level"]["label"]), _style(13)))
    return story


def _skills(data: dict[str, Any]) -> list[Any]:
    story: list[Any] = [Paragraph("Ce que je sais faire", _style(16, bold=True, space=8))]
    story += [Paragraph(_esc(line), _style(14)) for line in data["meaning"]]
    story.append(Spacer(1, 6))
    for skill in data["skills"]:
        lines = "".join(f"<br/>{_esc(line)}" for line in skill["falc_lines"])
        story.append(Paragraph(f"• <b>{_esc(skill['title'])}</b>{lines}", _style(13, space=1)))
        codes = [f"{skill['framework']} : {skill['code']}"]
        codes += [f"{e['framework']} : {e['code']}" for e in skill["equivalents"]]
        story.append(Paragraph(_esc(" · ".join(codes)), _style(10, color=MUTED, space=8)))
    return story


def _check_box(canvas: Canvas, data: dict[str, Any]) -> None:
    regular, heavy = _fonts()
    top, size = 250, 150
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.5)
    canvas.roundRect(MARGIN - 8, 60, WIDTH - 2 * MARGIN + 16, top - 40, 8)
    _draw_qr(canvas, data["qr_url"], x=MARGIN + 4, y=top - size - 12, size=size)
    x = MARGIN + size + 26
    canvas.setFillColor(INK)
    canvas.setFont(heavy, 15)
    canvas.drawString(x, top - 40, "Vérifier ce badge")
    canvas.setFont(regular, 12)
    canvas.drawString(x, top - 64, "Scannez ce code avec un téléphone.")
    canvas.drawString(x, top - 84, "Ou allez sur :")
    canvas.setFont(heavy, 12)
    canvas.drawString(x, top - 102, data["verifier"])
    canvas.setFont(regular, 12)
    canvas.drawString(x, top - 122, "et tapez ce code :")
    canvas.setFont(heavy, 22)
    canvas.drawString(x, top - 152, data["claim_code"])
    canvas.setFont(regular, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, 40, f"Badge numérique ouvert (Open Badges 2.0 et 3.0) n° {data['id']}")


def _draw_qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """Drawn as vector squares: sharp at any printer resolution."""
    rows = qr.matrix(url)
    module = size / (len(rows) + 2 * qr.QUIET_ZONE)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#000000"))
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                left = x + (c + qr.QUIET_ZONE) * module
                bottom = y + size - (r + qr.QUIET_ZONE + 1) * module
                canvas.rect(left, bottom, module, module, stroke=0, fill=1)


def render(data: dict[str, Any]) -> bytes:
    """One A4 page; long texts shrink to fit rather than spill onto a second page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Certificat : {data['name']}")
    canvas.setAuthor(data["issuer"]["name"])
    canvas.setSubject("Certificat de badge numérique")
    top = _head(canvas, data)
    beside = Frame(MARGIN + 190, HEIGHT - 270, WIDTH - 2 * MARGIN - 190, top - (HEIGHT - 270), showBoundary=0)
    beside.addFromList([KeepInFrame(beside._width, beside._height, _facts(data), mode="shrink")], canvas)
    below = Frame(MARGIN, 262, WIDTH - 2 * MARGIN, HEIGHT - 290 - 262, showBoundary=0)
    story = [Spacer(1, 4), *_skills(data)]
    below.addFromList([KeepInFrame(below._width, below._height, story, mode="shrink")], canvas)
    _check_box(canvas, data)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
