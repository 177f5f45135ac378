"""The e-mails of staff accounts: invitation and password reset (French, plain text and HTML)."""

from __future__ import annotations

from typing import Any

from badges.models import User
from badges.services.accounts.staff_accounts import INVITATION, LIFETIMES, RESET
from badges.services.shared import email_templates
from badges.services.shared.mail import Email

ROLE_LABELS = {
    "coordinator": "coordination du réseau",
    "staff": "équipe du tiers-lieu",
    "counsellor": "conseil en agence partenaire",
}


def _email(to: str, subject: str, template: str, values: dict[str, Any]) -> Email:
    env = email_templates.environment()
    return Email(
        to=to,
        subject=subject,
        text=env.get_template(f"{template}.txt").render(values),
        html=env.get_template(f"{template}.html").render(values),
    )


def invitation_email(user: User, *, url: str) -> Email:
    place = user.issuer.name if user.issuer else user.agency.name if user.agency else ""
    values = {
        "name": user.name,
        "place": place,
        "role": ROLE_LABELS.get(user.role, user.role),
        "url": url,
        "days": LIFETIMES[INVITATION].days,
    }
    return _email(user.email, "Invitation à Badges des tiers-lieux", "staff_invitation", values)


def reset_email(user: User, *, url: str) -> Email:
    values = {"name": user.name, "url": url, "minutes": int(LIFETIMES[RESET].total_seconds() // 60)}
    return _email(user.email, "Choisir un nouveau mot de passe", "staff_reset", values)
