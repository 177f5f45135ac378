"""The staging of an import job (models/job.ImportItem): the checked items of a file, stored by the job in
batches. An item is deleted in the transaction that stores it, with the job's progress: what is left is
what remains to do, so a job killed mid-way, retried or run twice stores each item once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from badges.models import ImportItem, Job
from badges.models.job import UNFINISHED
from badges.services.shared.errors import Conflict
from badges.services.shared.messages import N_, message

# Two runs of one job met on the same batch (a worker thought dead was only slow): the later one stops.
TAKEN = message("import.taken", N_("Ces lignes viennent d’être importées par une autre tâche."))


def stage(session: Session, *, job_id: int, items: Sequence[tuple[int, int, dict[str, Any]]]) -> None:
    """Add the job's items, in the file's order: (first line, lines covered, data as plain JSON values)."""
    session.add_all(
        ImportItem(job_id=job_id, position=n, first_line=first, lines=lines, data=data)
        for n, (first, lines, data) in enumerate(items)
    )
    session.flush()


def next_batch(session: Session, *, job_id: int, max_lines: int) -> list[ImportItem]:
    """The next items to store, in the file's order, covering about `max_lines` lines (one item at least:
    a pathway with its ateliers is never cut in two)."""
    batch: list[ImportItem] = []
    lines = 0
    found = session.scalars(
        select(ImportItem).where(ImportItem.job_id == job_id).order_by(ImportItem.position).limit(max_lines)
    )
    for item in found:
        if batch and lines + item.lines > max_lines:
            break
        batch.append(item)
        lines += item.lines
    return batch


def mark_stored(session: Session, batch: list[ImportItem]) -> None:
    """Delete the batch's items, in the transaction that stored them; if another run deleted one first,
    raise (that run stored them: this transaction must roll back)."""
    ids = [item.id for item in batch]
    result = session.execute(
        delete(ImportItem).where(ImportItem.id.in_(ids)).execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):  # type: ignore[attr-defined]
        raise Conflict(TAKEN)
    for item in batch:
        session.expunge(item)


def lines_left(session: Session, *, job_id: int) -> int:
    """The file's lines not stored yet."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(ImportItem.lines), 0)).where(ImportItem.job_id == job_id)
        )
        or 0
    )


def discard(session: Session, *, job_id: int) -> None:
    """Forget what is left (a job that failed for good keeps no personal data)."""
    session.execute(delete(ImportItem).where(ImportItem.job_id == job_id))


def discard_abandoned(session: Session) -> int:
    """Forget the items of every job that ended (done or failed) and still has some (its worker was killed
    before it could delete them): how many items were deleted."""
    ended = select(Job.id).where(Job.state.not_in(UNFINISHED))
    result = session.execute(
        delete(ImportItem).where(ImportItem.job_id.in_(ended)).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
