"""Sending e-mail: real SMTP when BADGES_SMTP_HOST is set, otherwise a console backend that logs it."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from badges.services.errors import ServiceError

log = logging.getLogger(__name__)


class MailError(ServiceError):
    """The message could not be handed to the mail server; nothing was sent."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    sender: str
    timeout: float = 15.0


def build(settings: MailSettings, email: Email) -> EmailMessage:
    """A multipart/alternative message (plain text first, so every client has a readable part)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Content-Language"] = "fr"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for item in email.attachments:
        main, _, sub = item.media_type.partition("/")
        message.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
    return message


def send(settings: MailSettings, email: Email) -> None:
    message = build(settings, email)
    if not settings.host:
        names = ", ".join(a.filename for a in email.attachments) or "aucune"
        log.info("E-mail (console, BADGES_SMTP_HOST absent) to %s: %s\n%s\n[pièces jointes : %s]",
                 email.to, email.subject, email.text, names)  # fmt: skip
        return
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery to %s:%s failed: %s", settings.host, settings.port, exc)
        raise MailError("L'e-mail n'a pas pu être envoyé : le serveur d'e-mail ne répond pas. "
                        "Réessayez plus tard ou imprimez le certificat.") from exc  # fmt: skip
