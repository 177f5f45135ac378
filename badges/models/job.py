"""Background jobs (badges/jobs): one row per piece of work queued, so pages can say where it stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from badges.models.base import Base, UTCDateTime

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
RETRYING = "retrying"  # failed, will be tried again at next_attempt_at
FAILED = "failed"  # failed for good: no attempt left
STATES = (QUEUED, RUNNING, DONE, RETRYING, FAILED)
UNFINISHED = (QUEUED, RUNNING, RETRYING)


class Job(Base):
    """A job and its state. The payload holds plain values (ids), never personal data nor secrets; the
    last error is a message code (services/shared/messages.py), never the server's own words."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_credential", "credential_id", "kind"),
        Index("ix_job_user", "user_id", "kind"),
        Index("ix_job_state", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # Unique: queuing the same work twice finds the first job instead of making a second one.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(String(80), default=None)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer, default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential.id", ondelete="SET NULL"), default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImportItem(Base):
    """One staged piece of an import job (a person, or a pathway with its ateliers and attendance), checked
    in the request and stored by the job. The job deletes an item in the transaction that stores it, so
    what is left is what remains to do; the data is personal (names, e-mails) and never outlives the job."""

    __tablename__ = "import_item"
    __table_args__ = (UniqueConstraint("job_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # The file's line where this item starts (a failure names it), and how many lines it covers.
    first_line: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
