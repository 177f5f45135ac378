"""Read-sides of endorsements: each listing reads what it shows in a fixed number of statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

from badges.services.credentials import endorsement_listing
from tests.factories import make_badge_class, make_coordinator, make_issuer
from tests.services.credentials.test_endorsements import counsellor, endorse


def statements(engine: Engine, run: Callable[[], Any]) -> tuple[int, Any]:
    """How many SQL statements `run` sends through `engine`, and what it returned."""
    seen: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        result = run()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen), result


def test_the_endorsements_given_are_read_in_the_same_statements_however_many(session, keyring, links, now):
    agent = counsellor(session, now)
    engine = session.get_bind()
    counts = []
    for n in range(3):
        issuer = make_issuer(session, keyring, links, now)
        badge = make_badge_class(session, issuer, now)
        endorse(session, keyring, links, now, agent, target="issuer", id=issuer.slug, comment="Bien.")
        endorse(
            session, keyring, links, now, agent, target="badge_class", id=badge.public_id, comment="Bien."
        )
        session.flush()
        session.expire_all()  # as in a new request: nothing loaded yet
        count, given = statements(engine, lambda: endorsement_listing.given(session, agent))
        counts.append(count)
        assert len(given) == 2 * (n + 1)
        assert {row.place for row in given if row.kind == "badge_class"} <= {
            row.name for row in given if row.kind == "issuer"
        }
    assert len(set(counts)) == 1, counts


def test_the_targets_are_read_in_the_same_statements_however_many(session, keyring, links, now):
    make_coordinator(session, now)
    engine = session.get_bind()
    counts = []
    for _ in range(3):
        make_badge_class(session, make_issuer(session, keyring, links, now), now)
        session.flush()
        session.expire_all()
        count, options = statements(engine, lambda: endorsement_listing.targets(session))
        counts.append(count)
        assert all(option.place.startswith("Tiers-lieu") for option in options)
    assert len(set(counts)) == 1, counts
