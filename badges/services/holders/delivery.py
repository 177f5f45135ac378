"""Handing an award over: the e-mail to the beneficiary (French, plain text and HTML, with the private
link and the certificate attached). The certificate itself is services/holders/certificate.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from badges.models import Beneficiary, Credential
from badges.services.credentials.links import Links
from badges.services.holders import certificate
from badges.services.shared import email_templates
from badges.services.shared.errors import InvalidInput, NotFound
from badges.services.shared.mail import Attachment, Email
from badges.services.shared.messages import N_, message

BADGE_NOT_FOUND = message("badge.not_found", N_("Badge introuvable."))
NO_EMAIL = message(
    "delivery.no_email", N_("Ce bénéficiaire n'a pas d'adresse e-mail : imprimez le certificat.")
)


def check_sendable(credential: Credential) -> Beneficiary:
    """The person a badge can be e-mailed to, or why not (no such badge, no address)."""
    person = credential.beneficiary
    if credential.erased_at is not None or person is None:
        raise NotFound(BADGE_NOT_FOUND)
    if not person.email:
        raise InvalidInput({"email": NO_EMAIL})
    return person


def award_email(
    session: Session,
    links: Links,
    credential: Credential,
    *,
    secret: bytes,
    now: datetime,
    wallet_ttl: timedelta | None = None,
) -> Email:
    """The message announcing a badge; makes the private link and the claim code if they do not exist, and
    (with `wallet_ttl`) the wallet offer the attached certificate carries."""
    person = check_sendable(credential)
    data = certificate.certificate_data(session, links, credential, now, secret=secret, wallet_ttl=wallet_ttl)
    values = {
        "name": person.display_name,
        "badge": data["name"],
        "issuer": data["issuer"]["name"],
        "date": data["date"],
        "meaning": data["meaning"],
        "skills": [s["title"] for s in data["skills"]],
        "private_url": data["private_url"],
    }
    env = email_templates.environment()
    return Email(
        to=str(person.email),
        subject=f"Votre badge « {data['name']} »",
        text=env.get_template("award.txt").render(values),
        html=env.get_template("award.html").render(values),
        attachments=(Attachment("certificat-badge.pdf", "application/pdf", certificate.render(data)),),
    )
