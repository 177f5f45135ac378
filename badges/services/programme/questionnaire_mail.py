"""The e-mail that carries a questionnaire's link to a partner of a closed pathway (French, text + HTML)."""

from __future__ import annotations

from badges.models import Pathway
from badges.services.programme.closing import AGENCY, Invitation
from badges.services.shared import email_templates
from badges.services.shared.mail import Email

SUBJECT = "Votre avis sur le parcours « {title} »"


def questionnaire_email(invitation: Invitation, pathway: Pathway, url: str) -> Email:
    env = email_templates.environment()
    values = {
        "title": pathway.title,
        "place": pathway.issuer.name,
        "agency": invitation.questionnaire.respondent == AGENCY,
        "url": url,
    }
    return Email(
        to=invitation.email or "",
        subject=SUBJECT.format(title=pathway.title),
        text=env.get_template("questionnaire.txt").render(values),
        html=env.get_template("questionnaire.html").render(values),
    )
