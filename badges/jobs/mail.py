"""The e-mail jobs: a badge to its beneficiary, an invitation, a password reset.

Each builds its message in the worker from ids (links made at sending time, on BASE_URL), and raises
MailError when the mail server does not take it: the runner retries later. Without a mail server
(BADGES_SMTP_HOST unset) the message goes to the log, as before, and the job is done.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy.orm import Session

from badges.db import get_session
from badges.jobs.appctx import link_secret, links, mail_settings, now, wallet_ttl
from badges.jobs.queue import enqueue_after_commit, task
from badges.models import Credential, Job, User
from badges.services.accounts import account_mail, staff_accounts
from badges.services.holders import delivery
from badges.services.shared import job_records, mail

AWARD_EMAIL = "award-email"
INVITATION_EMAIL = "invitation-email"
RESET_EMAIL = "reset-email"


def _link(endpoint: str, secret: str, user: User, purpose: str) -> str:
    token = staff_accounts.link_token(secret, user=user, purpose=purpose, now=now())
    return links().base + url_for(endpoint, token=token)


def invitation_url(user: User, secret: str) -> str:
    return _link("staff.accept_invitation", secret, user, staff_accounts.INVITATION)


def reset_url(user: User) -> str:
    return _link("staff.reset_password", str(current_app.config["SECRET_KEY"]), user, staff_accounts.RESET)


def queue_award_email(session: Session, credential: Credential) -> Job:
    """E-mail this badge once the request commits; a send still under way is not doubled."""
    running = job_records.unfinished(session, kind=AWARD_EMAIL, credential_id=credential.id)
    if running is not None:
        return running
    return enqueue_after_commit(
        session, AWARD_EMAIL, {"credential": credential.id}, now=now(), credential_id=credential.id
    )


def queue_invitation(session: Session, user: User) -> Job:
    """Each invitation is sent ("Renvoyer" sends it again, with a new link)."""
    return enqueue_after_commit(session, INVITATION_EMAIL, {"user": user.id}, now=now(), user_id=user.id)


def queue_reset(session: Session, user: User | None) -> Job:
    """Queued whether the account exists or not (user None: nothing to send), so the request does the
    same work either way; the address itself is never stored."""
    user_id = user.id if user is not None else None
    return enqueue_after_commit(session, RESET_EMAIL, {"user": user_id}, now=now(), user_id=user_id)


@task(AWARD_EMAIL)
def send_award_email(job_id: int, payload: dict[str, Any]) -> None:
    session = get_session()
    credential = session.get(Credential, payload["credential"])
    if credential is None:
        return
    email = delivery.award_email(
        session, links(), credential, secret=link_secret(), now=now(), wallet_ttl=wallet_ttl()
    )
    session.commit()  # the private link and claim code the message gives are saved before it leaves
    mail.send(mail_settings(), email)


@task(INVITATION_EMAIL)
def send_invitation(job_id: int, payload: dict[str, Any]) -> None:
    user = get_session().get(User, payload["user"])
    if user is None or user.password_hash:
        return  # the account is gone, or already activated
    url = invitation_url(user, str(current_app.config["SECRET_KEY"]))
    mail.send(mail_settings(), account_mail.invitation_email(user, url=url))


@task(RESET_EMAIL)
def send_reset(job_id: int, payload: dict[str, Any]) -> None:
    user = get_session().get(User, payload["user"]) if payload.get("user") else None
    if user is None or not user.is_active:
        return
    mail.send(mail_settings(), account_mail.reset_email(user, url=reset_url(user)))
