"""Status-list re-signing after a key compromise, as a job run by the suite's real huey consumer thread
(or inline by `badges keys compromise`): afterwards every list of the issuer verifies with the new key,
and running the job again signs nothing twice."""

from __future__ import annotations

import json
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from badges import jobs
from badges.jobs import keys as jobs_keys
from badges.jobs import runner
from badges.models import Job, SigningKey, StatusList
from badges.services.credentials import issuers, signing_keys, status_lists
from badges.services.crypto import dataintegrity
from tests.factories import make_award

LISTS = 5


def issuer_with_lists(session, keyring, links, now):
    """An issuer with one award and LISTS signed status lists."""
    award = make_award(session, keyring, links, now - timedelta(days=3))
    issuer = award.issuer
    for number in range(2, LISTS + 1):
        extra = StatusList(issuer=issuer, number=number)
        session.add(extra)
        session.flush()
        status_lists.sign_list(session, keyring, status_list=extra, links=links, now=now - timedelta(days=2))
    return award


def lists_of(session, issuer_id):
    return session.scalars(
        select(StatusList).where(StatusList.issuer_id == issuer_id).order_by(StatusList.id)
    ).all()


def verifies_with(keyring, links, slug, status_list, key_id):
    raw = (
        keyring.public_info(key_id)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    method = links.ed25519_method(slug, key_id)
    document = json.loads(status_list.signed_credential)
    proof = dataintegrity.verify(document, resolve_key=lambda used: raw if used == method else b"\0" * 32)
    return proof["verificationMethod"] == method


def compromise(session, keyring, links, now, award):
    key = session.get(SigningKey, award.ed25519_key_id)
    replacement = issuers.compromise_key(
        session, keyring, key=key, since=now - timedelta(days=1), links=links, now=now, resign=False
    )
    job = jobs_keys.queue_resign(session, issuer_id=award.issuer_id, reason=key.public_id)
    session.commit()
    return key.public_id, replacement.public_id, job.id


def test_the_job_re_signs_every_list_with_the_new_key_and_twice_is_harmless(
    app, session, keyring, links, now
):
    award = issuer_with_lists(session, keyring, links, now)
    slug, issuer_id = award.issuer.slug, award.issuer_id
    old, new, job_id = compromise(session, keyring, links, now, award)
    assert jobs.wait(app)
    session.expire_all()
    found = lists_of(session, issuer_id)
    assert len(found) == LISTS
    assert all(verifies_with(keyring, links, slug, s, new) for s in found)
    assert not any(status_lists.signed_with_key_in_force(session, s, links=links) is False for s in found)
    state = jobs_keys.latest(session, issuer_id=issuer_id)
    assert state is not None and (state.job_id, state.state, state.done, state.total) == (
        job_id,
        "done",
        5,
        5,
    )

    signed = {s.id: (s.signed_at, s.signed_credential) for s in found}
    session.rollback()
    runner.run(app, job_id, None)  # the same message delivered again: the claim refuses it
    again = jobs_keys.queue_resign(session, issuer_id=issuer_id, reason=old)  # same change: same job
    assert again.id == job_id
    second = jobs_keys.queue_resign(session, issuer_id=issuer_id, reason="again")  # a new job: skips all
    session.commit()
    assert jobs.wait(app)
    session.expire_all()
    assert {s.id: (s.signed_at, s.signed_credential) for s in lists_of(session, issuer_id)} == signed
    assert session.get(Job, second.id).state == "done"
    assert session.get(Job, job_id).attempts == 1


def test_the_command_re_signs_inline_without_a_worker(app, session, keyring, links, now, monkeypatch):
    award = issuer_with_lists(session, keyring, links, now)
    slug, issuer_id = award.issuer.slug, award.issuer_id
    key_id = session.get(SigningKey, award.ed25519_key_id).public_id
    session.commit()
    pushed: list[int] = []
    # No worker gets the message: the command alone signs the lists again.
    monkeypatch.setattr(
        jobs.queue_of(app), "push", lambda job_id, request_id, delay=None: pushed.append(job_id)
    )
    args = ["keys", "compromise", "--issuer", slug, "--key", key_id, "--since", "2026-03-11", "--yes"]
    result = app.test_cli_runner().invoke(args=args)
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert "Listes de statut : 5 sur 5 re-signées (done)." in result.output
    session.expire_all()
    new = signing_keys.signing_key(session, issuer=award.issuer, algorithm=signing_keys.ED25519).public_id
    assert new != key_id
    assert all(verifies_with(keyring, links, slug, s, new) for s in lists_of(session, issuer_id))
    assert pushed and session.get(Job, pushed[0]).state == "done"
