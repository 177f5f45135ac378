"""Is this process ready to serve? Database reachable, schema at the code's revision, signing keys readable,
job queue reachable.

Each check answers "ok" or a short fixed code, never an exception's text: a readiness answer is public
(no authentication, probed by load balancers), so it must not carry a path, a URL or a secret.
The queue is probed through a function the caller passes (badges/jobs owns the queue, above this package).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from badges.models import SigningKey
from badges.services.crypto.keyring import Keyring

OK = "ok"
UNREACHABLE = "unreachable"  # the database does not answer `SELECT 1`, or the job queue cannot be reached
BEHIND = "behind"  # the database's revision is an older one of the code's: `badges db upgrade`
UNKNOWN_REVISION = "unknown_revision"  # the database was migrated by another (newer) version of the code
UNREADABLE = "unreadable"  # a key in force has no readable file, or the passphrase does not open it
NOT_CHECKED = "not_checked"  # an earlier check failed, this one could not run


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(outcome == OK for outcome in self.checks.values())


def readiness(
    session: Session,
    keyring: Keyring,
    *,
    migrations: ScriptDirectory,
    queue: Callable[[], bool] | None = None,
) -> Readiness:
    """Run the checks in order; one that needs a failed one is reported as not checked. `queue` answers
    whether the job queue can be reached (the e-mails wait there): "unreachable" otherwise."""
    checks = {"database": database(session), "migrations": NOT_CHECKED, "keys": NOT_CHECKED}
    if checks["database"] == OK:
        checks["migrations"] = schema_revision(session, migrations)
    if checks["migrations"] == OK:  # the key table is the code's only once the schema is
        checks["keys"] = keys(session, keyring)
    if queue is not None:
        checks["queue"] = OK if queue() else UNREACHABLE
    return Readiness(checks)


def database(session: Session) -> str:
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return UNREACHABLE
    return OK


def schema_revision(session: Session, migrations: ScriptDirectory) -> str:
    """The database's Alembic heads equal the code's (a missing alembic_version table: no revision yet)."""
    try:
        current = set(MigrationContext.configure(session.connection()).get_current_heads())
    except SQLAlchemyError:
        session.rollback()
        return UNREACHABLE
    if current == set(migrations.get_heads()):
        return OK
    try:
        for revision in current:
            if migrations.get_revision(revision) is None:
                return UNKNOWN_REVISION
    except CommandError:
        return UNKNOWN_REVISION
    return BEHIND


def keys(session: Session, keyring: Keyring) -> str:
    """Every key in force has a readable file, and the newest one decrypts (one proves the passphrase:
    all share it; decrypting each would cost a deliberately slow key derivation per key)."""
    in_force = list(
        session.scalars(
            select(SigningKey.public_id)
            .where(SigningKey.retired_at.is_(None), SigningKey.compromised_at.is_(None))
            .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
        )
    )
    if not in_force:
        return OK  # no tiers-lieu yet: nothing to sign with
    newest, *others = in_force
    if keyring.readable(newest, decrypt=True) and all(keyring.readable(kid, decrypt=False) for kid in others):
        return OK
    return UNREADABLE
