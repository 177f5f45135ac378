"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for the e-mail tests.

It can speak plain SMTP, offer STARTTLS, or be TLS from the first byte (SMTPS), and ask for a login.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.pki import Pki


@dataclass
class Mailbox:
    host: str
    port: int
    received: list[EmailMessage] = field(default_factory=list)
    # The account the server accepts (user, password), and who logged in for each message.
    account: tuple[str, str] | None = None
    logins: list[str | None] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.logins.append(session.auth_data.decode() if session.auth_data else None)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and self.account == (data.login.decode(), data.password.decode()):
            return AuthResult(success=True, auth_data=data.login)
        return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_smtp(
    *, pki: Pki | None = None, mode: str = "none", account: tuple[str, str] | None = None
) -> Iterator[Mailbox]:
    """mode: none (plain), starttls (offered and required before any mail) or tls (SMTPS).

    With an account, a login is required, and only accepted over TLS."""
    box = Mailbox("127.0.0.1", free_port(), account=account)
    options: dict[str, Any] = {}
    if mode == "starttls":
        assert pki
        options.update(tls_context=pki.server_context(), require_starttls=True)
    elif mode == "tls":
        assert pki
        options.update(ssl_context=pki.server_context())
    if account:
        # aiosmtpd counts only STARTTLS as TLS; over SMTPS (encrypted from the start) login is offered.
        # The client still logs in, and a wrong password is still refused.
        starttls = mode == "starttls"
        options.update(authenticator=box.authenticate, auth_required=starttls, auth_require_tls=starttls)
    controller = Controller(box, hostname=box.host, port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
