"""Staff account e-mails leave through services/mail.py; the links in them are built on BASE_URL."""

from __future__ import annotations

from flask import url_for

from badges.models import User
from badges.services import account_mail, mail, staff_accounts
from badges.web.context import links, mail_settings, now


def _link(endpoint: str, secret: str, user: User, purpose: str) -> str:
    token = staff_accounts.link_token(secret, user=user, purpose=purpose, now=now())
    return links().base + url_for(endpoint, token=token)


def invitation_url(user: User, secret: str) -> str:
    return _link("staff.accept_invitation", secret, user, staff_accounts.INVITATION)


def send_invitation(user: User, url: str) -> None:
    """Raises MailError when the mail server refuses (the account stays pending: invite again)."""
    mail.send(mail_settings(), account_mail.invitation_email(user, url=url))


def send_reset(user: User, secret: str) -> None:
    url = _link("staff.reset_password", secret, user, staff_accounts.RESET)
    mail.send(mail_settings(), account_mail.reset_email(user, url=url))
