"""`badges purge ressenti` deletes the answers past BADGES_RESSENTI_RETENTION_DAYS, and only those."""

from __future__ import annotations

from datetime import UTC, datetime

from badges.models import Ressenti
from badges.services.programme import pathways, ressenti
from tests.factories import count_committed, make_atelier, make_programme


def test_purge_deletes_only_the_answers_past_retention(
    app, runner, session, keyring, links, now, monkeypatch
):
    world = make_programme(session, keyring, links, now)
    awa = world.people[0]
    recent = make_atelier(session, world.pathway, now, held_on="2026-06-01")
    for atelier in (world.atelier, recent):
        entry = {"beneficiary": awa.public_id, "present": True}
        pathways.record_attendance(session, atelier=atelier, data={"attendance": [entry]})
        ressenti.record(
            session, atelier=atelier, beneficiary=awa, data={"feeling": "bien"}, source="lien", now=now
        )
    session.commit()
    monkeypatch.setitem(app.config, "RESSENTI_RETENTION_DAYS", 730)
    app.config["CLOCK"].frozen = datetime(2028, 3, 20, 10, tzinfo=UTC)  # 10 March 2026 + 2 years and more
    result = runner.invoke(args=["purge", "ressenti"])
    assert result.exit_code == 0, result.output
    assert "1 réponse(s) de ressenti effacée(s)" in result.output
    assert count_committed(session, Ressenti) == 1
    assert runner.invoke(args=["purge", "ressenti"]).output.startswith("0 réponse(s)")


def test_the_former_spelling_still_purges_and_names_the_new_one(app, runner, session, keyring, links, now):
    world = make_programme(session, keyring, links, now)
    entry = {"beneficiary": world.people[0].public_id, "present": True}
    pathways.record_attendance(session, atelier=world.atelier, data={"attendance": [entry]})
    ressenti.record(
        session, atelier=world.atelier, beneficiary=world.people[0], data={"feeling": "bien"}, source="lien",
        now=now,
    )  # fmt: skip
    session.commit()
    app.config["CLOCK"].frozen = datetime(2028, 3, 20, 10, tzinfo=UTC)
    result = runner.invoke(args=["ressenti", "purge"])  # operators' crontabs, until the next release
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 réponse(s) de ressenti effacée(s)")
    assert "« badges purge ressenti »" in result.stderr
    assert count_committed(session, Ressenti) == 0
    assert "ressenti" not in runner.invoke(args=["--help"]).stdout
