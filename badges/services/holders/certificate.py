"""The one-page printable certificate handed over at the end of an atelier (no e-mail needed).

Badge image, the holder's name, what the person knows in plain words, the tiers-lieu, the date, a QR code
that opens the verification result and the claim code to type when there is no camera; below a cut line,
for the person only, the QR code of their private page ("Mes badges") and the wallet offers (issue 15): an
offer binds the badge to the DID of whichever wallet scans it first, so it must never sit in the part handed
to an employer, nor must the OpenID4VCI transaction code. No profile label. Its words
follow the reader's language: the web layer passes its gettext as `_` (services never import Flask);
the badge's own texts stay as the tiers-lieu wrote them.

The name is always printed: the certificate is handed to the person, never published, and an employer
holding it must be able to tell whose it is. The signed credential and the public pages still carry the
name only when the person chose to show it (``show_name_in_badges``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypedDict
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
from badges.services.credentials import qr, sharing, wallet_exchange, wallet_offers
from badges.services.credentials.images import FONTS
from badges.services.credentials.links import Links
from badges.services.holders import badge_view, private_link
from badges.services.holders.badge_view import CredentialView
from badges.services.shared.errors import RuleError
from badges.services.shared.messages import N_, message

REVOKED_NO_CERTIFICATE = message(
    "certificate.revoked", N_("Ce badge a été révoqué : il n'a plus de certificat.")
)

Translate = Callable[[str], str]
PARIS = ZoneInfo("Europe/Paris")
INK, ACCENT, MUTED = HexColor("#1a1a1a"), HexColor("#1d4e89"), HexColor("#4a4a4a")
WIDTH, HEIGHT = A4
MARGIN = 48
# From the bottom up: the person's strip (three QR codes side by side), the cut line, the verification
# box, the skills; the badge image and its facts at the top.
CUT, CHECK_TOP, SKILLS_BOTTOM = 258, 416, 426
IMAGE, SKILLS_TOP = 150, HEIGHT - 250


@functools.cache
def fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with the package) has every French accent and typographic apostrophe."""
    pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
    # So that <b> in a paragraph switches to the bold face.
    pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu",
                                  boldItalic="DejaVu-Bold")  # fmt: skip
    return "DejaVu", "DejaVu-Bold"


def same(message: str) -> str:
    """No translation: French, the language the messages are written in."""
    return message


def long_date(moment: datetime, language: str = "fr") -> str:
    return format_date(moment.astimezone(PARIS), format="long", locale=language)


def style(size: float, *, bold: bool = False, color: Any = INK, space: float = 4) -> ParagraphStyle:
    regular, heavy = fonts()
    return ParagraphStyle(
        f"s{size}{bold}", fontName=heavy if bold else regular, fontSize=size, leading=size * 1.3,
        textColor=color, spaceAfter=space,
    )  # fmt: skip


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WalletCodes(TypedDict):
    """The wallet offers of one print, for the person's strip (all None when there are none)."""

    wallet_url: str | None
    oid4vci_url: str | None
    tx_code: str | None
    wallet_until: str | None


class CertificateData(CredentialView, WalletCodes):
    """What the certificate says: the badge page's values, the claim code and its QR, the holder."""

    claim_code: str
    qr_url: str
    verifier: str
    date: str
    until: str | None
    holder: str | None
    private_url: str | None
    image_png: bytes


def certificate_data(
    session: Session,
    links: Links,
    credential: Credential,
    now: datetime,
    *,
    secret: bytes,
    language: str = "fr",
    wallet_ttl: timedelta | None = None,
) -> CertificateData:
    """What the certificate says; a revoked badge gets none (it must not be shown as proof).

    `secret` derives the person's private page link (the same one every print, until staff renew it).
    `wallet_ttl`: each print carries new wallet offers valid that long (issue 15), the LCW's and an
    OpenID4VCI one with its transaction code; None prints none.
    """
    view = badge_view.credential_view(session, links, credential, now)
    if view["status"] == "revoque":
        raise RuleError(REVOKED_NO_CERTIFICATE)
    code = sharing.claim_code(session, credential=credential, now=now)
    person = credential.beneficiary
    private_url = None
    if person is not None:
        token = private_link.private_token(session, beneficiary=person, secret=secret, now=now)
        private_url = private_link.page_url(links, token)
    return {
        **view,
        "claim_code": sharing.format_code(code),
        "qr_url": badge_view.verifier_url(links, code=code),
        "verifier": f"{links.base}/verifier",
        "date": long_date(credential.awarded_at or credential.issued_at, language),
        "until": long_date(credential.valid_until, language) if credential.valid_until else None,
        "holder": person.display_name if person is not None else None,
        "private_url": private_url,
        "image_png": credential.revision.image_png,
        **_wallet_offers(session, links, credential, now, wallet_ttl, language),
    }


def _wallet_offers(
    session: Session,
    links: Links,
    credential: Credential,
    now: datetime,
    ttl: timedelta | None,
    language: str,
) -> WalletCodes:
    """New single-use offers: the LCW link, the OpenID4VCI deep link and its transaction code; all None
    when none is asked or the badge cannot go to a wallet (expired)."""
    none = WalletCodes(wallet_url=None, oid4vci_url=None, tx_code=None, wallet_until=None)
    if ttl is None:
        return none
    try:
        made = wallet_offers.new_offers(
            session, credential=credential, links=links, created_by=wallet_exchange.HOLDER, ttl=ttl, now=now
        )
    except RuleError:
        return none
    return WalletCodes(
        wallet_url=made.lcw.lcw,
        oid4vci_url=made.oid4vci.deep_link,
        tx_code=made.oid4vci.tx_code,
        wallet_until=long_date(made.expires_at, language),
    )


def _head(canvas: Canvas, data: CertificateData, _: Translate) -> float:
    regular, heavy = fonts()
    canvas.setFillColor(ACCENT)
    canvas.rect(0, HEIGHT - 70, WIDTH, 70, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.setFont(heavy, 20)
    canvas.drawString(MARGIN, HEIGHT - 44, _("Certificat de badge numérique"))
    image = ImageReader(io.BytesIO(data["image_png"]))
    canvas.drawImage(image, MARGIN, HEIGHT - 90 - IMAGE, width=IMAGE, height=IMAGE, mask="auto")
    return HEIGHT - 90


def _line(message: str, value: str, *, bold: bool = True) -> Paragraph:
    """A translated "Label : %(value)s" line; the value escaped, in bold when it is the fact itself."""
    shown = f"<b>{_esc(value)}</b>" if bold else _esc(value)
    return Paragraph(_esc(message).replace("%(value)s", shown), style(13))


def _facts(data: CertificateData, _: Translate) -> list[Any]:
    story: list[Any] = [Paragraph(_esc(data["name"]), style(20, bold=True, color=ACCENT, space=10))]
    if data["holder"]:
        story.append(_line(_("Délivré à : %(value)s"), data["holder"]))
    story += [
        _line(_("Délivré par : %(value)s"), data["issuer"]["name"]),
        _line(_("Le : %(value)s"), data["date"]),
    ]
    if data["until"]:
        story.append(_line(_("Valable jusqu'au : %(value)s"), data["until"], bold=False))
    if data["level"]["label"]:
        story.append(_line(_("Mon niveau : %(value)s"), data["level"]["label"], bold=False))
    return story


def _skills(data: CertificateData, _: Translate) -> list[Any]:
    story: list[Any] = [Paragraph(_esc(_("Ce que je sais faire")), style(16, bold=True, space=8))]
    story += [Paragraph(_esc(line), style(14)) for line in data["meaning"]]
    story.append(Spacer(1, 6))
    for skill in data["skills"]:
        lines = "".join(f"<br/>{_esc(line)}" for line in skill["falc_lines"])
        story.append(Paragraph(f"• <b>{_esc(skill['title'])}</b>{lines}", style(13, space=1)))
        codes = [f"{skill['framework']} : {skill['code']}"]
        codes += [f"{e['framework']} : {e['code']}" for e in skill["equivalents"]]
        story.append(Paragraph(_esc(" · ".join(codes)), style(10, color=MUTED, space=8)))
    return story


def _check_box(canvas: Canvas, data: CertificateData, _: Translate) -> None:
    """For whoever holds the certificate (an employer): the QR code and code that check the badge."""
    regular, heavy = fonts()
    top, size = CHECK_TOP, 116
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.5)
    canvas.roundRect(MARGIN - 8, top - 132, WIDTH - 2 * MARGIN + 16, 132, 8)
    draw_qr(canvas, data["qr_url"], x=MARGIN + 4, y=top - size - 8, size=size)
    x = MARGIN + size + 26
    canvas.setFillColor(INK)
    canvas.setFont(heavy, 15)
    canvas.drawString(x, top - 26, _("Vérifier ce badge"))
    canvas.setFont(regular, 12)
    canvas.drawString(x, top - 45, _("Scannez ce code avec un téléphone."))
    canvas.drawString(x, top - 62, _("Ou allez sur :"))
    canvas.setFont(heavy, 12)
    canvas.drawString(x, top - 79, data["verifier"])
    canvas.setFont(regular, 12)
    canvas.drawString(x, top - 96, _("et tapez ce code :"))
    canvas.setFont(heavy, 22)
    canvas.drawString(x, top - 120, data["claim_code"])
    canvas.setFont(regular, 8.5)
    canvas.setFillColor(MUTED)
    number = _("Badge numérique ouvert (Open Badges 2.0 et 3.0) n° %(id)s") % {"id": data["id"]}
    canvas.drawString(MARGIN, CUT + 12, number)


# Below the cut line, for the person only (FALC): what must never reach an employer. The words of
# `INTRO` first, full width, then one column per QR code: its title, the code, a few short lines.
INTRO = (
    N_("Ces codes sont pour vous seulement."),
    N_("Ne les donnez pas à un employeur."),
    N_("Scannez-les avec votre téléphone."),
)
PRIVATE_LINES = (N_("Vous voyez tous vos badges."), N_("Vous pouvez les cacher ou les partager."))
LOST = N_("Vous avez perdu ce code ? Demandez au tiers-lieu.")
WALLET_LINES = (N_("Avec votre téléphone,"), N_("gardez ce badge"), N_("dans votre portefeuille."))
STRIP_QR = 104


def _cut_line(canvas: Canvas, _: Translate) -> None:
    regular, heavy = fonts()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(1)
    canvas.setDash(6, 4)
    canvas.line(MARGIN - 8, CUT, WIDTH - MARGIN + 8, CUT)
    canvas.setDash()
    label = "✂ " + _("Découpez ici. Le bas est pour vous.")
    canvas.setFont(regular, 10)
    width = canvas.stringWidth(label, regular, 10) + 12
    canvas.setFillColor(HexColor("#ffffff"))
    canvas.rect((WIDTH - width) / 2, CUT - 7, width, 14, stroke=0, fill=1)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(WIDTH / 2, CUT - 3.5, label)


def _column(title: str, url: str, lines: list[tuple[str, ParagraphStyle]]) -> tuple[str, str, list[Any]]:
    return title, url, [Paragraph(_esc(text), kind) for text, kind in lines]


def _columns(data: CertificateData, _: Translate) -> list[tuple[str, str, list[Any]]]:
    """(title, QR code's text, the paragraphs under it) for each code the person gets."""
    found, small = [], style(9, color=MUTED)
    if data["private_url"]:
        lines = " ".join(_(line) for line in PRIVATE_LINES)
        found.append(
            _column(_("Mes badges"), data["private_url"], [(lines, style(11, space=2)), (_(LOST), small)])
        )
    if data["wallet_url"]:
        lines = " ".join(_(line) for line in WALLET_LINES)
        example = _("Par exemple : Learner Credential Wallet.")
        found.append(
            _column(_("Portefeuille"), data["wallet_url"], [(lines, style(11, space=2)), (example, small)])
        )
    if data["oid4vci_url"]:
        said = _("L'application demande un code ? Tapez ce code :")
        code = (
            [(said, style(11, space=2)), (data["tx_code"], style(22, bold=True))] if data["tx_code"] else []
        )
        found.append(_column(_("Autre portefeuille"), data["oid4vci_url"], code))
    return found


def _person_strip(canvas: Canvas, data: CertificateData, _: Translate) -> None:
    """For the person only, below a dashed cut line: their private page and wallet QR codes, in FALC."""
    _cut_line(canvas, _)
    intro = [_(line) for line in INTRO]
    if data["wallet_until"]:
        intro.append(_("Les codes portefeuille marchent une seule fois, jusqu'au %(date)s.")
                     % {"date": data["wallet_until"]})  # fmt: skip
    width = WIDTH - 2 * MARGIN + 16
    top = Frame(MARGIN - 8, CUT - 52, width, 42, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    paragraph = Paragraph(_esc(" ".join(intro)), style(11.5, bold=True))
    top.addFromList([KeepInFrame(top._width, top._height, [paragraph], mode="shrink")], canvas)
    columns = _columns(data, _)
    step = width / max(len(columns), 1)
    regular, heavy = fonts()
    for number, (title, url, lines) in enumerate(columns):
        x = MARGIN - 8 + number * step
        canvas.setFillColor(INK)
        canvas.setFont(heavy, 14)
        canvas.drawString(x + 4, CUT - 70, title)
        draw_qr(canvas, url, x=x, y=CUT - 78 - STRIP_QR, size=STRIP_QR)
        below = Frame(x + 4, 12, step - 14, CUT - 82 - STRIP_QR - 12, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)  # fmt: skip
        below.addFromList([KeepInFrame(below._width, below._height, lines, mode="shrink")], canvas)


def draw_qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
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


def render(data: CertificateData, _: Translate = same) -> bytes:
    """One A4 page; long texts shrink to fit rather than spill onto a second page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_("Certificat : %(badge)s") % {"badge": data["name"]})
    canvas.setAuthor(data["issuer"]["name"])
    canvas.setSubject(_("Certificat de badge numérique"))
    top = _head(canvas, data, _)
    beside = Frame(
        MARGIN + IMAGE + 20, SKILLS_TOP, WIDTH - 2 * MARGIN - IMAGE - 20, top - SKILLS_TOP, showBoundary=0
    )
    beside.addFromList([KeepInFrame(beside._width, beside._height, _facts(data, _), mode="shrink")], canvas)
    below = Frame(MARGIN, SKILLS_BOTTOM, WIDTH - 2 * MARGIN, SKILLS_TOP - 10 - SKILLS_BOTTOM, showBoundary=0)
    story = [Spacer(1, 4), *_skills(data, _)]
    below.addFromList([KeepInFrame(below._width, below._height, story, mode="shrink")], canvas)
    _check_box(canvas, data, _)
    if data["private_url"] or data["wallet_url"]:
        _person_strip(canvas, data, _)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
