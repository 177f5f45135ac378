"""Bulk issuance in the suite's app (real huey consumer thread): a grid past the threshold signs nothing
in the request; `badges awards settle` queues the awards due as a bulk job, whose chunks sign them once."""

from __future__ import annotations

from dataclasses import replace

from flask import g
from sqlalchemy import func, select

from badges import jobs
from badges.db import EXTENSION, WRITER, get_session
from badges.jobs import bulk
from badges.models import Credential, Job, PendingAward
from badges.services.programme import evaluation
from tests.factories import issuing, make_programme

D06, D07 = "parcours-decouverte:D-06", "parcours-decouverte:D-07"


def test_past_the_threshold_a_grid_defers_the_awards_and_the_settle_command_issues_them_once(
    app, session, keyring, links, now
):
    people = [{"display_name": f"P{n}"} for n in range(24)] + [
        {"display_name": "Sans accord", "consent": False}
    ]
    programme = make_programme(session, keyring, links, now, *people)
    session.flush()
    cells = [(p, ref, "N2") for p in programme.people for ref in (D06, D07)]
    signing = replace(issuing(keyring, links, now), inline_max=5)
    results = [{"beneficiary": b.public_id, "competency": r, "result": v} for b, r, v in cells]
    data = {"moment": "pendant", "method": "observation", "results": results}
    _saved, outcome = evaluation.record_grid(
        session, signing, atelier=programme.atelier, evaluator=programme.staff, data=data
    )
    assert len(outcome.deferred) == 24 and outcome.issued == [] and len(outcome.pending) == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(Credential)) == 0

    runner = app.test_cli_runner()
    args = ["awards", "settle", "--issuer", programme.issuer.slug, "--pathway", programme.pathway.public_id]
    result = runner.invoke(args=[*args, "--wait"])
    assert result.exit_code == 0, result.output
    assert "24 badge(s) à signer, 0 en attente d'accord." in result.output  # the pending one is kept
    assert "24/24 (done)" in result.output
    assert jobs.wait(app)
    session.rollback()
    found = session.scalars(select(Credential)).all()
    assert len(found) == 24 and len({c.status_index for c in found}) == 24
    assert session.scalar(select(func.count()).select_from(PendingAward)) == 1
    again = runner.invoke(args=args)  # nothing more is due
    assert "0 badge(s) à signer" in again.output
    parent = session.scalars(select(Job).where(Job.kind == bulk.BULK_ISSUE)).one()
    progress = bulk.progress(session, parent.id)
    assert progress is not None and (progress.done, progress.total, progress.state) == (24, 24, "done")
    assert len(progress.issued_ids) == 24


def test_a_chunk_run_twice_issues_nothing_more(app, session, keyring, links, now):
    programme = make_programme(session, keyring, links, now, *({"display_name": f"Q{n}"} for n in range(6)))
    session.commit()
    pairs = [(programme.badge.id, p.id) for p in programme.people]
    with app.test_request_context(method="POST"):
        job = bulk.queue_bulk_issue(get_session(), pairs, issuer_id=programme.issuer.id)
        get_session().commit()
        job_id = job.id
    assert jobs.wait(app)
    with app.test_request_context(method="POST"):
        g.db_session = app.extensions[EXTENSION](bind=app.extensions[WRITER])
        bulk.issue_chunk(job_id, {"pairs": [list(p) for p in pairs]})  # a chunk delivered again
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Credential)) == 6
    assert bulk.count_issued(session, pairs) == 6
