"""Sending e-mail: real SMTP when BADGES_SMTP_HOST is set, otherwise nothing is sent (a log line says so).

The connection is plain (a relay on the same host or network), upgraded with STARTTLS, or TLS from the
first byte (SMTPS, port 465). A login is only ever sent over TLS; the server's certificate is checked
against the system CAs (or an extra bundle) and its name.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from badges.services.shared.errors import ServiceError
from badges.services.shared.messages import N_, Message, message

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


# How the connection to the SMTP server is protected (BADGES_SMTP_SECURITY).
SECURITY = ("none", "starttls", "tls")


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    sender: str
    timeout: float = 15.0
    security: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None  # an extra CA bundle (a private relay); the system CAs otherwise

    def problems(self) -> list[str]:
        """What is wrong with these settings, in English for the operator (empty when they can be used)."""
        found = []
        if self.security not in SECURITY:
            found.append(f"BADGES_SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {self.security!r}")
        if self.user and self.security == "none":
            found.append("BADGES_SMTP_USER needs BADGES_SMTP_SECURITY=starttls or tls (no password in clear)")
        if bool(self.user) != bool(self.password):
            found.append("BADGES_SMTP_USER and BADGES_SMTP_PASSWORD go together")
        return found


def settings_from(config: Mapping[str, Any]) -> MailSettings:
    """The app's SMTP settings from its config (no host: messages go to the log)."""
    return MailSettings(
        host=config.get("SMTP_HOST"),
        port=int(config["SMTP_PORT"]),
        sender=config["MAIL_SENDER"],
        security=str(config.get("SMTP_SECURITY") or "none").lower(),
        user=config.get("SMTP_USER") or None,
        password=config.get("SMTP_PASSWORD") or None,
        ca_file=config.get("SMTP_CA_FILE") or None,
    )


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


def send(settings: MailSettings, email: Email) -> bool:
    """True when a mail server accepted the message; False when no server is set (nothing was sent)."""
    message = build(settings, email)
    if not settings.host:
        # Neither the address nor the text: the text holds the person's name and private link.
        log.info(
            "e-mail not sent: no mail server (BADGES_SMTP_HOST)",
            extra={"attachments": len(email.attachments)},
        )
        return False
    try:
        with _connect(settings) as smtp:
            if settings.user and settings.password:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        # The error's class and code only: its text may quote the recipient's address.
        log.warning(
            "SMTP delivery to %s:%s failed: %s %s",
            settings.host, settings.port, type(exc).__name__, getattr(exc, "smtp_code", ""),
        )  # fmt: skip
        raise MailError(_failure(exc)) from exc
    log.info("e-mail handed to the mail server", extra={"attachments": len(email.attachments)})
    return True


# What the staff read when the mail server could not take the message (nothing was sent).
REFUSED_LOGIN = message(
    "mail.refused_login",
    N_(
        "L'e-mail n'a pas pu être envoyé : le serveur d'e-mail refuse l'identifiant de ce service. "
        "Prévenez l'administrateur ou imprimez le certificat."
    ),
)
NOT_SUPPORTED = message(
    "mail.not_supported",
    N_(
        "L'e-mail n'a pas pu être envoyé : le serveur d'e-mail ne propose pas la sécurité "
        "ou l'identification demandée. Prévenez l'administrateur ou imprimez le certificat."
    ),
)
TLS_FAILED = message(
    "mail.tls_failed",
    N_(
        "L'e-mail n'a pas pu être envoyé : la connexion sécurisée au serveur d'e-mail a échoué. "
        "Prévenez l'administrateur ou imprimez le certificat."
    ),
)
UNREACHABLE = message(
    "mail.unreachable",
    N_(
        "L'e-mail n'a pas pu être envoyé : le serveur d'e-mail ne répond pas. "
        "Réessayez plus tard ou imprimez le certificat."
    ),
)


def _failure(exc: Exception) -> Message:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return REFUSED_LOGIN
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # STARTTLS or AUTH not offered by the server.
        return NOT_SUPPORTED
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return TLS_FAILED
    return UNREACHABLE


def _connect(settings: MailSettings) -> smtplib.SMTP:
    """An open connection, encrypted as the settings ask (STARTTLS refused by the server is an error)."""
    assert settings.host
    if settings.security == "none":
        return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    context = ssl.create_default_context(cafile=settings.ca_file)
    if settings.security == "tls":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.starttls(context=context)
    except BaseException:
        smtp.close()
        raise
    return smtp
