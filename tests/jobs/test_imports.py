"""Imports as jobs (jobs/imports.py): the staged rows are stored in batches, each committed with the job's
progress; a run killed mid-batch resumes without duplicates, a job run twice imports each row once, and a
row that no longer holds stops the job with the line, the batches before it kept. On SQLite, and on
PostgreSQL with BADGES_TEST_DATABASE_URL. The job is run by the real runner (claim, task, outcome)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from badges import jobs
from badges.db import engine_of, get_session
from badges.jobs import imports, runner
from badges.jobs.queue import queue_of
from badges.models import Atelier, Attendance, Beneficiary, ImportItem, Job, Pathway
from badges.models.job import DONE, FAILED, QUEUED, RETRYING
from badges.services.programme import framework_io, import_staging, programme_io
from badges.services.shared import job_records
from badges.services.shared.errors import Conflict
from tests.factories import make_beneficiary, make_issuer

PEOPLE = 7
D06 = "parcours-decouverte:D-06"
HEADER = ";".join(programme_io.COLUMNS)


class Crash(Exception):
    """The worker dies here (what SIGKILL does to a transaction: it never commits)."""


@pytest.fixture
def issuer(session, keyring, links, now):
    made = make_issuer(session, keyring, links, now)
    session.commit()
    return made


@pytest.fixture
def batch_of_three(app) -> Iterator[None]:
    before = app.config["IMPORT_BATCH"]
    app.config["IMPORT_BATCH"] = 3
    yield
    app.config["IMPORT_BATCH"] = before


def stage(session, now, kind: str, items: list[tuple[int, int, dict[str, Any]]], issuer_id: int) -> int:
    """A job and its staged items as the import view leaves them (not pushed: the test runs it)."""
    job, _ = job_records.create(
        session, kind=kind, key=f"{kind}:{uuid.uuid4()}", payload={"issuer": issuer_id, "items": len(items)},
        now=now, max_attempts=2, progress_total=sum(lines for _f, lines, _d in items),
    )  # fmt: skip
    import_staging.stage(session, job_id=job.id, items=items)
    session.commit()
    return job.id


def people_rows(count: int = PEOPLE) -> list[tuple[int, int, dict[str, Any]]]:
    return [(n + 2, 1, {"display_name": f"Personne {n}", "consent": n % 2 == 0}) for n in range(count)]


def names(session, issuer_id: int) -> list[str]:
    session.rollback()
    return list(
        session.scalars(
            select(Beneficiary.display_name)
            .where(Beneficiary.issuer_id == issuer_id)
            .order_by(Beneficiary.display_name)
        )
    )


def job_of(session, job_id: int) -> Job:
    session.rollback()
    job = session.get(Job, job_id, populate_existing=True)
    assert job is not None
    return job


def staged_left(session, job_id: int) -> int:
    return session.scalar(select(func.count()).select_from(ImportItem).where(ImportItem.job_id == job_id))


def run_with(app, job_id: int, store: imports.Store) -> None:
    """The task with another store, in a worker's context (claimed first, as the runner does)."""
    with app.test_request_context():
        session = runner._writer_session(app)
        claimed = job_records.claim(session, job_id, now=app.config["CLOCK"]())
        session.commit()
        assert claimed is not None
        try:
            imports.run_batches(job_id, dict(claimed.payload), store)
        finally:
            session.rollback()
            session.close()


def test_rows_are_stored_in_batches_each_committed_with_the_progress(
    app, session, issuer, now, batch_of_three
):
    job_id = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    seen: list[int] = []

    def store(session_, issuer_, data, at):
        with engine_of(app).connect() as other:  # what another connection (the page) reads meanwhile
            seen.append(other.scalar(text("SELECT progress_done FROM job WHERE id = :id"), {"id": job_id}))
        return imports._person(session_, issuer_, data, at)

    run_with(app, job_id, store)
    assert seen == [0, 0, 0, 3, 3, 3, 6]
    assert names(session, issuer.id) == [f"Personne {n}" for n in range(PEOPLE)]
    assert (job_of(session, job_id).progress_done, staged_left(session, job_id)) == (PEOPLE, 0)


def test_a_worker_killed_mid_batch_resumes_without_duplicates(app, session, issuer, now, batch_of_three):
    job_id = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    stored: list[str] = []

    def dies_at_the_fifth(session_, issuer_, data, at):
        if len(stored) == 4:
            raise Crash()
        stored.append(data["display_name"])
        return imports._person(session_, issuer_, data, at)

    with pytest.raises(Crash):
        run_with(app, job_id, dies_at_the_fifth)
    # The first batch is committed with its progress; the second (rows 4 and 5 stored, 6 not) is not.
    assert len(names(session, issuer.id)) == 3
    assert (job_of(session, job_id).progress_done, staged_left(session, job_id)) == (3, 4)
    job_of(session, job_id).state = RETRYING  # what the sweeper does once the lease ran out
    session.commit()
    runner.run(app, job_id, None)
    assert names(session, issuer.id) == [f"Personne {n}" for n in range(PEOPLE)]
    job = job_of(session, job_id)
    assert (job.state, job.progress_done, job.progress_total, staged_left(session, job_id)) == (DONE, 7, 7, 0)


def test_a_job_run_twice_imports_each_row_once(app, session, issuer, now, batch_of_three):
    job_id = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    runner.run(app, job_id, None)
    job_of(session, job_id).state = QUEUED  # delivered again, claimed again
    session.commit()
    runner.run(app, job_id, None)
    assert names(session, issuer.id) == [f"Personne {n}" for n in range(PEOPLE)]
    assert job_of(session, job_id).state == DONE


def test_an_import_that_fails_for_good_leaves_no_staged_rows(app, session, issuer, now, batch_of_three):
    """Not only a row that no longer holds: any failure on the last attempt forgets the staged rows."""
    job_id = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    calls: list[str] = []

    def breaks_at_the_fifth(session_, issuer_, data, at):
        calls.append(data["display_name"])
        if len(calls) == 5:
            raise RuntimeError("a bug, or a lost database")
        return imports._person(session_, issuer_, data, at)

    with pytest.raises(RuntimeError):
        run_with(app, job_id, breaks_at_the_fifth)
    assert staged_left(session, job_id) == 4  # a first attempt of two: the rest is kept for the retry
    job_of(session, job_id).state = RETRYING
    session.commit()
    with pytest.raises(RuntimeError):
        run_with(app, job_id, lambda *_: (_ for _ in ()).throw(RuntimeError("again")))
    assert (job_of(session, job_id).attempts, staged_left(session, job_id)) == (2, 0)
    assert len(names(session, issuer.id)) == 3  # the batch committed before stays


def test_the_runner_fails_an_import_for_good_with_no_staged_rows_left(app, session, issuer, now, monkeypatch):
    job_id = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    job_of(session, job_id).max_attempts = 1
    session.commit()

    def broken(*_args: object) -> object:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(imports, "_person", broken)
    runner.run(app, job_id, None)
    job = job_of(session, job_id)
    assert (job.state, job.last_error, staged_left(session, job_id)) == (FAILED, "job.unexpected", 0)
    assert session.scalar(select(func.count()).select_from(ImportItem)) == 0


def test_the_sweeper_forgets_the_staged_rows_of_ended_imports_only(app, session, issuer, now):
    """A worker killed on the last attempt never deleted them: the sweeper does, once the job ended."""
    ended = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    waiting = stage(session, now, imports.BENEFICIARIES, people_rows(), issuer.id)
    job_of(session, ended).state = FAILED
    session.commit()
    runner.sweep(app)
    assert (staged_left(session, ended), staged_left(session, waiting)) == (0, PEOPLE)


def programme_file(people) -> bytes:
    """Three pathways: the first two of one line each, the last one of three lines naming two people."""
    first, second = (p.public_id for p in people)
    lines = [
        "Un;court;hybride_creatif;2026-03-02;;;;;;;;",
        "Deux;long;professionnalisation;2026-03-02;;;;;;;;",
        f"Trois;court;hybride_creatif;2026-03-02;;;Atelier;2026-03-09;60;{D06};{first};oui",
        f"Trois;;;;;;Atelier;;;;{second};non",
        "Trois;;;;;;Autre;2026-03-16;60;" + D06 + ";;",
    ]
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def test_a_row_that_no_longer_holds_stops_the_job_and_keeps_the_batches_before(
    app, session, issuer, now, batch_of_three
):
    framework_io.load_defaults(session)
    people = [make_beneficiary(session, issuer, now, display_name=n) for n in ("Awa", "Karim")]
    plans = programme_io.check(session, issuer=issuer, raw=programme_file(people))
    assert [(p["first"], p["lines"]) for p in plans] == [(2, 1), (3, 1), (4, 3)]
    app.config["IMPORT_BATCH"] = 1
    job_id = stage(
        session, now, imports.PROGRAMME, [(p["first"], p["lines"], dict(p)) for p in plans], issuer.id
    )
    session.delete(people[1])  # deleted between the check and the job
    session.commit()
    with pytest.raises(Conflict) as stopped:
        run_with(app, job_id, imports._pathway)
    assert stopped.value.said.code == "import.changed"  # the runner records it and retries later
    job = job_of(session, job_id)
    assert (job.payload["stopped_at"], job.progress_done, job.progress_total) == (4, 2, 5)
    assert staged_left(session, job_id) == 1
    titles = session.scalars(select(Pathway.title).where(Pathway.issuer_id == issuer.id).order_by(Pathway.id))
    assert list(titles) == ["Un", "Deux"]  # the pathway that failed is not half-stored
    assert session.scalar(select(func.count()).select_from(Atelier)) == 0
    job.state = RETRYING  # its last attempt (max_attempts 2): the rest of the staged data goes
    session.commit()
    with pytest.raises(Conflict):
        run_with(app, job_id, imports._pathway)
    assert (job_of(session, job_id).attempts, staged_left(session, job_id)) == (2, 0)


def test_a_programme_job_creates_ateliers_enrolments_and_attendance(app, session, issuer, now):
    framework_io.load_defaults(session)
    people = [make_beneficiary(session, issuer, now, display_name=n) for n in ("Awa", "Karim")]
    session.commit()
    plans = programme_io.check(session, issuer=issuer, raw=programme_file(people))
    assert not session.new and not session.dirty  # the check added nothing
    job_id = stage(
        session, now, imports.PROGRAMME, [(p["first"], p["lines"], dict(p)) for p in plans], issuer.id
    )
    runner.run(app, job_id, None)
    job = job_of(session, job_id)
    assert (job.state, job.progress_done) == (DONE, 5)
    marks = session.execute(select(Attendance.present).order_by(Attendance.present)).scalars().all()
    assert marks == [False, True] and session.scalar(select(func.count()).select_from(Atelier)) == 2
    found = imports.importing(get_session(), job_id)
    assert found is not None and (found.items, found.done, found.total, found.state) == (3, 5, 5, DONE)


def test_a_file_sent_twice_while_its_import_is_under_way_is_one_import(app, session, issuer, now):
    rows = people_rows(2)
    with app.test_request_context(method="POST"):
        writer = get_session()
        first = imports.queue_import(writer, imports.BENEFICIARIES, rows, issuer_id=issuer.id, user_id=None,
                                     digest="d1")  # fmt: skip
        again = imports.queue_import(writer, imports.BENEFICIARIES, rows, issuer_id=issuer.id, user_id=None,
                                     digest="d1")  # fmt: skip
        other = imports.queue_import(writer, imports.BENEFICIARIES, rows, issuer_id=issuer.id, user_id=None,
                                     digest="d2")  # fmt: skip
        assert again.id == first.id and other.id != first.id
        ids = first.id, other.id
        writer.commit()
    assert jobs.wait(app)
    assert names(session, issuer.id) == ["Personne 0", "Personne 0", "Personne 1", "Personne 1"]
    assert {job_of(session, i).state for i in ids} == {DONE}
    with app.test_request_context(method="POST"):  # sent again once done: imported again, as asked
        later = imports.queue_import(get_session(), imports.BENEFICIARIES, rows, issuer_id=issuer.id,
                                     user_id=None, digest="d1")  # fmt: skip
        assert later.id not in ids
        get_session().rollback()


def test_the_same_file_sent_twice_at_once_is_one_import(app, session, issuer, monkeypatch):
    """Two requests at the same moment (a double click): the second waits for the first one's commit on
    the tiers-lieu's lock, then finds its job instead of queuing a second one."""
    rows = people_rows(2)
    pushed: list[int] = []  # run by the test once both requests answered (the job stays under way)
    monkeypatch.setattr(queue_of(app), "push", lambda job_id, *_args, **_kwargs: pushed.append(job_id))
    first_queued = threading.Event()
    found: dict[str, int] = {}
    failures: list[BaseException] = []

    def send(name: str) -> None:
        try:
            with app.test_request_context(method="POST"):
                writer = get_session()
                if name == "second":
                    assert first_queued.wait(10)
                job = imports.queue_import(writer, imports.BENEFICIARIES, rows, issuer_id=issuer.id,
                                           user_id=None, digest="same")  # fmt: skip
                found[name] = job.id
                if name == "first":
                    first_queued.set()
                    time.sleep(0.5)  # the second request reaches the lock while this one still holds it
                writer.commit()
        except BaseException as exc:  # reported by the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=send, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert found["first"] == found["second"] and pushed == [found["first"]]
    runner.run(app, found["first"], None)
    assert names(session, issuer.id) == ["Personne 0", "Personne 1"]
    assert session.scalar(select(func.count()).select_from(Job).where(Job.kind == imports.BENEFICIARIES)) == 1
