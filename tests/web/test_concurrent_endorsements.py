"""One endorsement per endorser and target, even when two requests ask for it at the same time."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy.orm import Session

from badges.db import engine_of
from badges.models import Endorsement, Endorser, User
from badges.services.credentials import endorsements, endorsers
from badges.services.shared.errors import InvalidInput
from tests.factories import count_committed, make_coordinator, make_issuer
from tests.services.credentials.test_endorsements import SETTINGS


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("BADGES_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only (set BADGES_TEST_DATABASE_URL): SQLite serialises writers, requests cannot race",
)
@pytest.mark.parametrize("endorser_exists", [True, False], ids=["endorser-exists", "first-endorsement"])
def test_two_transactions_endorsing_the_same_place_make_one_and_tell_the_other(
    app, session, keyring, links, now, endorser_exists
):
    assert engine_of(app).dialect.name == "postgresql"
    issuer = make_issuer(session, keyring, links, now)
    coordinators = [make_coordinator(session, now)[0] for _ in range(2)]
    session.flush()
    first, second = (user.id for user in coordinators)
    if endorser_exists:
        endorsers.network_endorser(
            session, keyring, name=SETTINGS.network_name, email=SETTINGS.email, links=links, now=now
        )
    session.commit()
    data = {"target": "issuer", "id": issuer.slug, "comment": "Le réseau reconnaît ce tiers-lieu."}

    def endorse(db: Session, user_id: int) -> Endorsement:
        actor = db.get_one(User, user_id)
        return endorsements.endorse(
            db, keyring, actor=actor, data=data, settings=SETTINGS, links=links, now=now
        )

    outcome: dict[str, object] = {}

    def later(db: Session) -> None:
        try:
            outcome["created"] = endorse(db, second).public_id
        except InvalidInput as exc:
            outcome["refused"] = exc.fields
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            outcome["error"] = exc

    engine = engine_of(app)
    with Session(engine) as one, Session(engine) as two:
        endorse(one, first)
        thread = threading.Thread(target=later, args=(two,))
        thread.start()
        thread.join(timeout=1)  # the second one waits for the first: on the endorser's row or its slug
        one.commit()
        thread.join(timeout=60)
        two.rollback()
    assert outcome == {"refused": {"id": "Vous recommandez déjà ceci."}}
    assert count_committed(session, Endorser) == 1
    assert count_committed(session, Endorsement) == 1
