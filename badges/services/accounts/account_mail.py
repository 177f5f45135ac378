"""The e-mails of staff accounts: invitation and password reset (French, plain text and HTML)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from badges.models import User
from badges.services.accounts.staff_accounts import INVITATION, LIFETIMES, RESET
from badges.services.shared.mail import Email

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
ROLE_LABELS = {
    "coordinator": "coordination du réseau",
    "staff": "équipe du tiers-lieu",
    "counsellor": "conseil en agence partenaire",
}


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _email(to: str, subject: str, template: str, values: dict[str, Any]) -> Email:
    env = _environment()
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
