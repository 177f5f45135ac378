"""`badges check`: exit 0 on a consistent database, exit 1 naming each mismatch (documents, signed lists)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from badges.models import Credential, StatusList
from badges.services.credentials import issuance, issuers, revocation, signing_keys
from badges.services.crypto import statuslist
from tests.factories import make_award, make_badge_class, make_beneficiary, make_issuer


@pytest.fixture
def awards(session, keyring, links, now):
    """Three awards of one issuer: one valid, one revoked, one erased; plus an issuer with no award."""
    issuer = make_issuer(session, keyring, links, now)
    badge = make_badge_class(session, issuer, now)
    found = [
        issuance.award(
            session,
            keyring,
            badge_class=badge,
            beneficiary=make_beneficiary(session, issuer, now, email=f"p{n}@example.org"),
            links=links,
            now=now,
        )
        for n in range(3)
    ]
    revocation.revoke(session, keyring, credential=found[1], reason="Erreur", links=links, now=now)
    revocation.erase(session, keyring, credential=found[2], links=links, now=now)
    make_issuer(session, keyring, links, now)
    session.commit()
    return found


def test_check_passes_on_a_consistent_database(runner, awards):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "3 badge(s), 2 liste(s)" in result.output and "Aucun écart" in result.output


def test_check_passes_after_a_key_compromise_re_signed_the_lists(
    runner, session, keyring, links, now, awards
):
    (ed25519,) = signing_keys.published_keys(session, issuer=awards[0].issuer, algorithm=signing_keys.ED25519)
    issuers.compromise_key(session, keyring, key=ed25519, since=now, links=links, now=now)
    session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output


def _store_list(session, status_list: StatusList, change) -> None:
    document = json.loads(status_list.signed_credential)
    change(document)
    session.execute(
        update(StatusList)
        .where(StatusList.id == status_list.id)
        .values(signed_credential=json.dumps(document))
    )
    session.commit()


def test_check_names_a_bit_cleared_in_the_stored_signed_list(runner, session, links, awards):
    revoked = awards[1]

    def clear(document):
        document["credentialSubject"]["encodedList"] = statuslist.encode([], revoked.status_list.size)

    _store_list(session, revoked.status_list, clear)
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert links.status_list(revoked.issuer.slug, 1) in result.output
    assert "signature ne se vérifie pas" in result.output


def test_check_names_a_revoked_credential_whose_bit_is_missing(runner, session, awards, now):
    forgotten = awards[0]
    session.execute(update(Credential).where(Credential.id == forgotten.id).values(revoked_at=now))
    session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert "1 badge(s) révoqué(s) dont le bit n'est pas publié" in result.output
    assert forgotten.public_id in result.output


def test_check_names_a_set_bit_without_a_revoked_credential(runner, session, awards):
    valid = awards[0]
    session.execute(update(Credential).where(Credential.id == awards[1].id).values(revoked_at=None))
    session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert f"bit(s) publié(s) sans badge révoqué : index {awards[1].status_index}" in result.output
    assert valid.public_id not in result.output


def test_check_names_a_list_signed_by_another_issuer(runner, session, keyring, links, now, awards):
    other = make_award(session, keyring, links, now).status_list
    session.commit()
    foreign = json.loads(other.signed_credential)

    def replace(document):
        document.clear()
        document.update(foreign)

    _store_list(session, awards[0].status_list, replace)
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert "n'est pas émise par son tiers-lieu" in result.output


def test_check_names_a_credential_that_lost_its_documents(runner, session, awards):
    session.execute(update(Credential).where(Credential.id == awards[0].id).values(ob3_credential=None))
    session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert f"badge {awards[0].public_id} : document signé manquant" in result.output
