"""The printable access card: a small FALC card with the QR code of the person's private page.

For people without e-mail: staff print it, cut it out and hand it over, and the person opens "Mes badges"
with their phone. Same link as the certificate's second code; renewing the link makes old cards stop working.
Its words follow the reader's language, as the certificate's do (the web layer passes its gettext as `_`).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, TypedDict

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph
from sqlalchemy.orm import Session

from badges.models import Beneficiary
from badges.services.credentials.links import Links
from badges.services.holders import private_link
from badges.services.holders.certificate import ACCENT, INK, MUTED, Translate, draw_qr, fonts, same, style
from badges.services.shared.messages import N_

WIDTH, HEIGHT = A4
MARGIN = 48
# About A6 landscape: big enough for a QR code read from a phone held at arm's length, small for a wallet.
CARD_WIDTH, CARD_HEIGHT, QR_SIZE = 420, 297, 190
CARD_LINES = (
    N_("Gardez cette carte."),
    N_("Elle est pour vous seulement."),
    N_("Vous avez perdu la carte ? Demandez une nouvelle carte au tiers-lieu."),
)


class CardData(TypedDict):
    name: str
    issuer: str
    url: str


def card_data(
    session: Session, links: Links, beneficiary: Beneficiary, *, secret: bytes, now: datetime
) -> CardData:
    """What the card says; makes the private link if the person has none yet."""
    token = private_link.private_token(session, beneficiary=beneficiary, secret=secret, now=now)
    return {
        "name": beneficiary.display_name,
        "issuer": beneficiary.issuer.name,
        "url": private_link.page_url(links, token),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fact(message: str, value: str, *, space: float = 4) -> Paragraph:
    return Paragraph(_esc(message).replace("%(value)s", f"<b>{_esc(value)}</b>"), style(13, space=space))


def _beside(data: CardData, _: Translate) -> list[Any]:
    story = [
        _fact(_("Pour : %(value)s"), data["name"]),
        _fact(_("Tiers-lieu : %(value)s"), data["issuer"], space=12),
    ]
    return story + [Paragraph(_esc(_(line)), style(12)) for line in CARD_LINES]


def render(data: CardData, _: Translate = same) -> bytes:
    """One A4 page with the card in its top-left corner, drawn with a dashed line to cut along."""
    regular, heavy = fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Carte d'accès : %(name)s") % {"name": data["name"]})
    canvas.setAuthor(data["issuer"])
    left, bottom = MARGIN, HEIGHT - MARGIN - CARD_HEIGHT
    top = bottom + CARD_HEIGHT
    canvas.setStrokeColor(MUTED)
    canvas.setDash(6, 4)
    canvas.roundRect(left, bottom, CARD_WIDTH, CARD_HEIGHT, 10)
    canvas.setDash()
    canvas.setFillColor(ACCENT)
    canvas.setFont(heavy, 22)
    canvas.drawString(left + 16, top - 36, _("Mes badges"))
    canvas.setFillColor(INK)
    canvas.setFont(regular, 14)
    canvas.drawString(left + 16, top - 60, _("Scannez ce code avec votre téléphone."))
    draw_qr(canvas, data["url"], x=left + 10, y=bottom + 24, size=QR_SIZE)
    frame = Frame(left + QR_SIZE + 18, bottom + 24, CARD_WIDTH - QR_SIZE - 30, QR_SIZE, showBoundary=0)
    frame.addFromList([KeepInFrame(frame._width, frame._height, _beside(data, _), mode="shrink")], canvas)
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 6.5)
    canvas.drawString(left + 16, bottom + 10, data["url"])
    canvas.setFont(regular, 11)
    canvas.drawString(left, bottom - 22, "✂ " + _("Découpez la carte en suivant les pointillés."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
