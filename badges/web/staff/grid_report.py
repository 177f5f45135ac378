"""What a grid save did to badges, as the page after the save shows it: each badge issued (with its link)
and each badge not issued with its reasons, worded in French (English through the catalogue).

The report is kept in the signed session cookie between the save and the page that follows it (Post/
Redirect/Get), as plain data; it is capped so the cookie stays small.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from badges.services.programme.awarding import Outcome
from badges.services.programme.rules import Shortfall
from badges.web.staff import bulk

KEY = "grid_report"
MAX_LINES = 30


def keep(outcome: Outcome, *, bulk_job: int | None = None) -> None:
    """Remember what the save did, for the next page (a badge waiting for consent is among those not
    issued, with that reason; past MAX_LINES per list, only the count of the others is kept)."""
    issued = [
        {"badge": c.badge_class.name, "person": c.beneficiary.display_name, "id": c.public_id}
        for c in outcome.issued
        if c.beneficiary is not None
    ]
    missed = [
        {"badge": n.badge.name, "person": n.person.display_name, "reasons": [asdict(r) for r in n.reasons]}
        for n in outcome.not_issued
    ]
    session[KEY] = {
        "issued": issued[:MAX_LINES],
        "not_issued": missed[:MAX_LINES],
        "more": max(0, len(issued) - MAX_LINES) + max(0, len(missed) - MAX_LINES),
        "bulk": bulk_job,
    }


def reason(found: Shortfall) -> str:
    """One reason a badge was not issued, in a few words."""
    if found.kind == "competence":
        return _("il manque %(competence)s au niveau %(level)s", competence=found.subject, level=found.level)
    if found.kind == "some_competences":
        return ngettext(
            "il manque %(num)s compétence au niveau %(level)s parmi %(list)s",
            "il manque %(num)s compétences au niveau %(level)s parmi %(list)s",
            found.needed,
            level=found.level,
            list=found.subject,
        )
    if found.kind == "ateliers":
        return ngettext(
            "%(num)s atelier suivi sur %(needed)s demandés",
            "%(num)s ateliers suivis sur %(needed)s demandés",
            found.done,
            needed=found.needed,
        )
    if found.kind == "hours":
        return ngettext(
            "%(num)s heure d’atelier sur %(needed)s demandées",
            "%(num)s heures d’atelier sur %(needed)s demandées",
            found.done,
            needed=found.needed,
        )
    if found.kind == "consent":
        return _("consentement manquant")
    if found.kind == "already":
        return _("déjà délivré")
    return _("ce badge se délivre à la main")


def take() -> dict[str, Any] | None:
    """The report of the save just made (once), worded for the page; None when there is none."""
    kept = session.pop(KEY, None)
    if not isinstance(kept, dict):
        return None
    return {
        "issued": [
            {
                **item,
                "url": url_for("staff.award", award_id=item["id"]),
                "certificate": url_for("staff.award_certificate", award_id=item["id"]),
            }
            for item in kept.get("issued", [])
        ],
        "not_issued": [
            {**item, "reasons": [reason(Shortfall(**r)) for r in item["reasons"]]}
            for item in kept.get("not_issued", [])
        ],
        "more": kept.get("more", 0),
        **_bulk(kept.get("bulk")),
    }


def _bulk(job_id: Any) -> dict[str, Any]:
    """The bulk issuance the save queued, as the progress box shows it."""
    if not isinstance(job_id, int):
        return {}
    found = bulk.progress_of(job_id)
    return {"bulk": {"job_id": job_id, "progress": found, "text": bulk.wording(found)}}
