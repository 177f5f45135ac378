"""Hash data backfill (issue 17): badges issued before migration 0006 get the hash data issuance stores."""

from __future__ import annotations

import json

from sqlalchemy import update

from badges.models import Credential
from badges.services.credentials import hash_backfill, revocation
from badges.services.crypto import dataintegrity
from tests.factories import make_award


def _forget_hash_data(session, *credentials) -> dict[int, tuple[bytes | None, str | None]]:
    """As issued before 0006: the stored documents without their hash data. Returns what issuance stored."""
    stored = {c.id: (c.ob3_hash_data, c.ob3_hash_source) for c in credentials}
    session.execute(
        update(Credential)
        .where(Credential.id.in_(stored))
        .values(ob3_hash_data=None, ob3_hash_source=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return stored


def test_backfill_stores_the_hash_data_issuance_stored(session, keyring, links, now):
    first = make_award(session, keyring, links, now)
    second = make_award(session, keyring, links, now, issuer=first.issuer)
    stored = _forget_hash_data(session, first, second)
    batch = hash_backfill.fill_batch(session, limit=1)
    assert (batch.filled, batch.refused, batch.last_id) == (1, [], first.id)
    batch = hash_backfill.fill_batch(session, after_id=batch.last_id, limit=10)
    assert (batch.filled, batch.refused, batch.last_id) == (1, [], second.id)
    assert hash_backfill.fill_batch(session, after_id=second.id).last_id is None
    for credential in (first, second):
        session.refresh(credential)
        assert (credential.ob3_hash_data, credential.ob3_hash_source) == stored[credential.id]
    assert hash_backfill.missing(session) == []


def test_backfill_refuses_a_document_its_proof_does_not_sign(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    _forget_hash_data(session, award)
    document = json.loads(award.ob3_credential)
    document["validFrom"] = "2020-01-01T00:00:00Z"
    award.ob3_credential = json.dumps(document, separators=(",", ":"))
    batch = hash_backfill.fill_batch(session)
    assert (batch.filled, batch.refused) == (0, [award.public_id])
    assert award.ob3_hash_data is None and award.ob3_hash_source is None


def test_backfill_leaves_erased_badges_and_filled_ones_alone(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    erased = make_award(session, keyring, links, now, issuer=award.issuer)
    revocation.erase(session, keyring, credential=erased, links=links, now=now)
    assert erased.ob3_credential is None and erased.ob3_hash_data is None
    assert hash_backfill.missing(session) == []
    batch = hash_backfill.fill_batch(session)
    assert (batch.filled, batch.refused, batch.last_id) == (0, [], None)
    assert award.ob3_hash_source == dataintegrity.text_digest(award.ob3_credential)


def test_cli_backfills_and_reports(runner, session, keyring, links, now):
    awards = [make_award(session, keyring, links, now) for _ in range(3)]
    stored = _forget_hash_data(session, *awards)
    session.commit()
    result = runner.invoke(args=["backfill-hash-data", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "3 badge(s) complété(s)." in result.output
    session.expire_all()
    for award in awards:
        assert (award.ob3_hash_data, award.ob3_hash_source) == stored[award.id]
