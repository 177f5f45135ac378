"""Where a background job stands, said to staff: "Envoi en cours", "Envoyé", "Échec, nouvel essai à
14 h 05" (Paris time), "Échec définitif"; and the same as JSON for the API."""

from __future__ import annotations

from typing import Any

from flask_babel import format_time, get_locale
from flask_babel import gettext as _

from badges.db import get_session
from badges.jobs.mail import INVITATION_EMAIL
from badges.models.job import DONE, FAILED, QUEUED, RETRYING, RUNNING
from badges.services.accounts.staff_accounts import Member
from badges.services.shared import job_records
from badges.services.shared.job_records import JobState
from badges.services.shared.messages import DECLARED
from badges.web.i18n import say


def at(moment: Any) -> str:
    """A time of day where the ateliers are (BABEL_DEFAULT_TIMEZONE): "14 h 05" in French, "2:05 PM"."""
    locale = get_locale()
    if locale is not None and locale.language == "fr":
        return format_time(moment, "H 'h' mm")
    return format_time(moment, "short")


def label(job: JobState | None) -> str | None:
    """The state in a few words, in the reader's language (None: nothing was queued)."""
    if job is None:
        return None
    if job.state in (QUEUED, RUNNING):
        return _("Envoi en cours")
    if job.state == DONE:
        return _("Envoyé")
    if job.state == RETRYING and job.next_attempt_at is not None:
        return _("Échec, nouvel essai à %(time)s", time=at(job.next_attempt_at))
    if job.state == FAILED:
        return _("Échec définitif")
    return _("Envoi en cours")


def reason(job: JobState | None) -> str | None:
    """Why the last attempt failed, in the reader's language (a message code, never the server's words)."""
    if job is None or job.state not in (RETRYING, FAILED) or not job.last_error:
        return None
    said = DECLARED.get(job.last_error)
    return say(said) if said is not None else None


def as_json(job: JobState | None) -> dict[str, Any] | None:
    """For the API: the state's code, attempts, next attempt (ISO 8601, UTC), error code, and the label."""
    if job is None:
        return None
    return {
        "state": job.state,
        "attempts": job.attempts,
        "next_attempt_at": job.next_attempt_at.isoformat() if job.next_attempt_at else None,
        "error": job.last_error if job.state in (RETRYING, FAILED) else None,
        "label": label(job),
    }


def invitations(team: list[Member]) -> dict[str, str]:
    """The state of the last invitation e-mail of each account still waiting, by its public id."""
    waiting = [person["id"] for person in team if person["state"] == "pending"]
    found = job_records.latest_by_account(get_session(), kind=INVITATION_EMAIL, public_ids=waiting)
    return {public_id: label(job) or "" for public_id, job in found.items()}
