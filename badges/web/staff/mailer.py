"""Staff account e-mails leave through services/shared/mail.py; the links in them are built on BASE_URL."""

from __future__ import annotations

import logging

from flask import current_app, url_for

from badges.db import get_session
from badges.models import User
from badges.services.accounts import account_mail, staff_accounts
from badges.services.shared import mail
from badges.web import background
from badges.web.context import links, mail_settings, now

log = logging.getLogger(__name__)


def _link(endpoint: str, secret: str, user: User, purpose: str) -> str:
    token = staff_accounts.link_token(secret, user=user, purpose=purpose, now=now())
    return links().base + url_for(endpoint, token=token)


def invitation_url(user: User, secret: str) -> str:
    return _link("staff.accept_invitation", secret, user, staff_accounts.INVITATION)


def reset_url(user: User) -> str:
    return _link("staff.reset_password", str(current_app.config["SECRET_KEY"]), user, staff_accounts.RESET)


def can_send() -> bool:
    """Whether a mail server is set (BADGES_SMTP_HOST): without one, nothing can leave."""
    return bool(mail_settings().host)


def send_invitation(user: User, url: str) -> bool:
    """True when a mail server accepted it; False when none is set (nothing sent, and the link is not
    logged: the caller shows it to the coordinator). Raises MailError when the server refuses."""
    if not can_send():
        return False
    return mail.send(mail_settings(), account_mail.invitation_email(user, url=url))


def send_reset_later(email: str) -> None:
    """After the response: the page answers in the same time whether the account exists or not."""
    background.after_response(deliver_reset, email)


def deliver_reset(email: str) -> None:
    """The reset e-mail, if an active account has this address (runs apart from the request)."""
    user = staff_accounts.find_by_email(get_session(), email)
    if user is None or not user.is_active:
        return
    url = reset_url(user)
    try:
        mail.send(mail_settings(), account_mail.reset_email(user, url=url))
    except mail.MailError:
        log.warning("reset e-mail for account %s not sent", user.public_id)
