"""Staff account e-mails: the links in them (built on BASE_URL, jobs/mail.py), and the CLI's direct sending.

The web pages queue these e-mails as jobs (jobs/mail.py): the worker sends them and retries.
"""

from __future__ import annotations

from badges.jobs.mail import invitation_url as invitation_url
from badges.jobs.mail import reset_url as reset_url
from badges.models import User
from badges.services.accounts import account_mail
from badges.services.shared import mail
from badges.web.context import mail_settings


def can_send() -> bool:
    """Whether a mail server is set (BADGES_SMTP_HOST): without one, nothing can leave."""
    return bool(mail_settings().host)


def send_invitation(user: User, url: str) -> bool:
    """Now, from the CLI (the operator reads the outcome at once): True when a mail server accepted it;
    False when none is set. Raises MailError when the server refuses."""
    if not can_send():
        return False
    return mail.send(mail_settings(), account_mail.invitation_email(user, url=url))
