"""Files the web app hands over (PDF, CSV, downloads), and the printed certificate of every audience."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext

from badges.db import get_session
from badges.models import Credential
from badges.services.holders import certificate
from badges.web.context import link_secret, links, now, wallet_ttl
from badges.web.i18n import current_language


def file_response(body: bytes | str, media_type: str, filename: str, *, inline: bool = False) -> Response:
    """`inline` opens in the browser (a PDF to print), otherwise the browser saves the file."""
    response = Response(body, mimetype=media_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def certificate_pdf(credential: Credential, filename: str, *, inline: bool) -> Response:
    """The certificate in the interface language; its claim code and private link are made on first print,
    and each print carries a new wallet offer, so the request's unit of work is committed here."""
    data = certificate.certificate_data(
        get_session(), links(), credential, now(), secret=link_secret(), language=current_language(),
        wallet_ttl=wallet_ttl(),
    )  # fmt: skip
    body = certificate.render(data, gettext)
    get_session().commit()
    return file_response(body, "application/pdf", filename, inline=inline)
