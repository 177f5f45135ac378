"""One-statement reads on the pool's DB-API connection read exactly what SQLAlchemy reads (issue 17), and
fail as SQLAlchemy fails: the app's 503 and 500 answers depend on it. Run on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, literal, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from badges.db import engine_of, is_unavailable, make_engine, read_rows
from badges.models import Credential, SigningKey
from badges.services.credentials import endorsements, revocation, wallet
from badges.services.shared.rows import ConnectionRows, PooledRows, Prepared
from badges.services.verification import register
from tests.factories import make_award
from tests.services.credentials.test_wallet import did_key_ed25519
from tests.services.verification.test_endorsements import endorse_award_class


def read_both(app, prepared: Prepared, values: dict, *, many: bool = False):
    """What the pooled reader and a SQLAlchemy Connection read for the same statement and values."""
    engine = engine_of(app)
    pooled = PooledRows(engine)
    try:
        fast = pooled.scalars(prepared, values) if many else pooled.first(prepared, values)
    finally:
        pooled.close()
    with engine.connect() as connection:
        rows = ConnectionRows(connection)
        slow = rows.scalars(prepared, values) if many else rows.first(prepared, values)
    return fast, slow


def test_a_register_entry_reads_the_same_values_of_the_same_types(app, session, keyring, links, now):
    """Text, bytes (the stored hash data), datetimes (revocation, compromise) and the EXISTS flag."""
    plain, endorsed = make_award(session, keyring, links, now), make_award(session, keyring, links, now)
    endorse_award_class(session, keyring, links, now, endorsed)
    revocation.revoke(session, keyring, credential=plain, reason="erreur de saisie", links=links, now=now)
    session.get(SigningKey, plain.rsa_key_id).compromised_at = now - timedelta(days=1)
    session.commit()
    for credential, flag in ((plain, False), (endorsed, True)):
        fast, slow = read_both(app, register._ENTRY, {"public_id": credential.public_id})
        assert fast == slow
        assert [type(value) for value in fast] == [type(value) for value in slow]
        entry = register.Entry(*fast)
        assert entry.endorsed is flag and isinstance(entry.ob3_hash_data, bytes)
    entry = register.Entry(*read_both(app, register._ENTRY, {"public_id": plain.public_id})[0])
    assert entry.revoked_at == plain.revoked_at and entry.revoked_at.tzinfo is not None
    assert entry.revocation_reason == "erreur de saisie"
    assert entry.rsa_compromised_at == now - timedelta(days=1)
    assert read_both(app, register._ENTRY, {"public_id": "no-such-badge"}) == (None, None)


def test_a_bound_form_and_a_list_of_endorsements_read_the_same(app, session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    bound = wallet.issue_bound_credential(
        session, credential=award, holder_did=did_key_ed25519(), fmt="ldp_vc", keyring=keyring, links=links,
        now=now,
    )  # fmt: skip
    endorse_award_class(session, keyring, links, now, award)
    session.commit()
    fast, slow = read_both(app, register._BOUND, {"public_id": bound.public_id})
    assert fast == slow and fast is not None and fast[1] == bound.document
    revision = award.revision.public_id
    fast, slow = read_both(app, endorsements._SIGNED_FOR_REVISION, {"revision": revision}, many=True)
    assert fast == slow and len(fast) == 1


def test_the_statement_s_own_values_and_typed_parameters_go_as_sqlalchemy_sends_them(
    app, session, keyring, links, now
):
    """A literal in the statement is sent with it, and a datetime parameter goes through its column type's
    conversion (on SQLite, the stored text form): the rows selected are the same."""
    make_award(session, keyring, links, now)
    session.commit()
    prepared = Prepared(
        select(Credential.public_id, Credential.issued_at, literal("ok"))
        .where(Credential.issued_at <= bindparam("before", type_=Credential.issued_at.type))
        .where(Credential.revoked_at.is_(None), Credential.public_id != "x")
    )
    for before, found in ((now + timedelta(seconds=1), 1), (now - timedelta(days=1), 0)):
        fast, slow = read_both(app, prepared, {"before": before}, many=True)
        assert fast == slow and len(fast) == found
    fast, slow = read_both(app, prepared, {"before": now + timedelta(seconds=1)})
    assert fast == slow and fast[2] == "ok" and fast[1] == now.replace(tzinfo=fast[1].tzinfo)


def test_a_statement_the_database_refuses_raises_sqlalchemy_s_error_and_keeps_the_connection(app):
    rows = PooledRows(engine_of(app))
    try:
        assert rows.first(Prepared(select(literal(1))), {}) == (1,)
        with pytest.raises(DBAPIError) as raised:
            rows.first(Prepared(select(literal_column("1")).select_from(table("no_such_table"))), {})
        assert not raised.value.connection_invalidated and not rows.closed
    finally:
        rows.close()


def test_the_request_s_reader_is_one_per_request_and_back_in_the_pool_at_teardown(app):
    pool = engine_of(app).pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    with app.test_request_context("/api/v1/verify", method="POST"):
        rows = read_rows()
        assert read_rows() is rows
        assert rows.first(Prepared(select(literal(1))), {}) == (1,)
        assert pool.checkedout() == before + 1  # type: ignore[attr-defined]
    assert rows.closed and pool.checkedout() == before  # type: ignore[attr-defined]


def test_a_read_leaves_no_transaction_open_and_the_pool_gets_its_connection_back_as_it_was(app):
    """Autocommit while the reader holds a connection: one round trip per lookup, no BEGIN nor ROLLBACK
    (on PostgreSQL the flag is switched, and switched back before the pool gets the connection again)."""
    rows = PooledRows(engine_of(app))
    assert rows.first(Prepared(select(literal(1))), {}) == (1,)
    driver = rows.connection().driver_connection
    if rows.dialect.name == "sqlite":
        assert not driver.in_transaction
    else:
        assert driver.autocommit is True and driver.info.transaction_status.name == "IDLE"
    rows.close()
    if rows.dialect.name != "sqlite":
        assert driver.autocommit is False  # what the pool's other users (the ORM sessions) expect


def test_a_lost_connection_is_dropped_and_the_next_read_has_a_new_one(app, monkeypatch):
    """The dialect says the connection is gone: the error says so (the app answers 503), the connection is
    invalidated rather than given back to the pool, and the reader checks out another."""
    engine = engine_of(app)
    rows = PooledRows(engine)
    one = Prepared(select(literal(1)))
    try:
        assert rows.first(one, {}) == (1,)
        first = rows.connection()
        monkeypatch.setattr(engine.dialect, "is_disconnect", lambda *_args: True)
        with pytest.raises(DBAPIError) as raised:
            rows.first(Prepared(select(literal(1)).where(bindparam("n") == 1)), {"n": object()})
        assert raised.value.connection_invalidated and rows.closed and not first.is_valid
        monkeypatch.undo()
        assert rows.first(one, {}) == (1,) and rows.connection() is not first
    finally:
        rows.close()


def test_an_unreachable_database_raises_sqlalchemy_s_error_at_checkout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite3'}")
    with pytest.raises(DBAPIError) as raised:
        PooledRows(engine).first(Prepared(select(literal(1))), {})
    assert "unable to open database file" in str(raised.value.orig) and is_unavailable(raised.value)
    engine.dispose()
