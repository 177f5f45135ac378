"""The staging of an import job (programme/import_staging.py): batches of about so many lines, in the file's
order, a pathway never cut in two; what an ended job left is forgotten."""

from __future__ import annotations

from badges.models import Job
from badges.models.job import DONE
from badges.services.programme import import_staging
from badges.services.shared import job_records


def staged(session, now, key: str, lines: list[int]) -> int:
    job, _ = job_records.create(session, kind="beneficiary-import", key=key, payload={}, now=now)
    items = [(n + 2, count, {"n": n}) for n, count in enumerate(lines)]
    import_staging.stage(session, job_id=job.id, items=items)
    return job.id


def test_a_batch_covers_at_most_so_many_lines_but_always_one_item(session, now):
    job_id = staged(session, now, "k", [1, 2, 1, 5, 1])
    batches = []
    while batch := import_staging.next_batch(session, job_id=job_id, max_lines=3):
        batches.append([item.data["n"] for item in batch])
        import_staging.mark_stored(session, batch)
    assert batches == [[0, 1], [2], [3], [4]]  # item 3 covers 5 lines: alone, never cut
    assert import_staging.lines_left(session, job_id=job_id) == 0


def test_the_items_of_ended_jobs_only_are_forgotten(session, now):
    ended, waiting = staged(session, now, "ended", [1, 1]), staged(session, now, "waiting", [2])
    session.get(Job, ended).state = DONE
    assert import_staging.discard_abandoned(session) == 2
    left = {job: import_staging.lines_left(session, job_id=job) for job in (ended, waiting)}
    assert left == {ended: 0, waiting: 2}
