"""`badges purge-outcomes`: end-of-pathway outcomes kept BADGES_OUTCOME_RETENTION_DAYS days."""

from __future__ import annotations

from datetime import timedelta

from badges.models import PathwayOutcome
from badges.services.programme import outcomes
from tests.factories import count_committed, make_programme


def test_outcomes_older_than_the_retention_period_are_purged(app, runner, session, keyring, links, now):
    found = make_programme(session, keyring, links, now, {"display_name": "Awa"}, {"display_name": "Karim"})
    old, recent = (
        outcomes.save_outcome(
            session, pathway=found.pathway, person=p, data={"next_project": "Apprendre"}, now=now
        )
        for p in found.people
    )
    old.updated_at = now - timedelta(days=31)
    session.commit()
    app.config["OUTCOME_RETENTION_DAYS"] = 30
    result = runner.invoke(args=["purge-outcomes"])
    assert result.exit_code == 0, result.output
    assert "1 suite(s) de parcours effacée(s) (plus de 30 jours sans changement)." in result.output
    assert count_committed(session, PathwayOutcome) == 1
    assert recent.id is not None
