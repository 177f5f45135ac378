"""The beneficiary's private page link: derived from a server secret, stored only as a hash, renewable."""

from __future__ import annotations

from sqlalchemy import select

from badges.models import BeneficiaryLink
from badges.services.holders import private_link
from badges.services.programme import beneficiaries
from tests.factories import make_award, make_beneficiary

SECRET = b"server-secret"


def test_the_same_link_is_given_every_time_and_only_its_hash_is_stored(session, keyring, links, now):
    person = make_award(session, keyring, links, now).beneficiary
    first = private_link.private_token(session, beneficiary=person, secret=SECRET, now=now)
    second = private_link.private_token(session, beneficiary=person, secret=SECRET, now=now)
    assert first == second and len(first) == private_link.TOKEN_LENGTH
    (row,) = session.scalars(select(BeneficiaryLink)).all()
    assert row.token_hash == private_link.sha256_hex(first)
    assert first not in (row.token_hash, row.salt)
    assert private_link.beneficiary_for(session, first) is person
    assert private_link.page_url(links, first) == f"{links.base}/mes-badges/{first}"


def test_renewing_makes_the_old_link_stop_working(session, keyring, links, now):
    person = make_award(session, keyring, links, now).beneficiary
    old = private_link.private_token(session, beneficiary=person, secret=SECRET, now=now)
    new = private_link.renew(session, beneficiary=person, secret=SECRET, now=now)
    assert new != old
    assert private_link.beneficiary_for(session, old) is None
    assert private_link.beneficiary_for(session, new) is person
    assert private_link.private_token(session, beneficiary=person, secret=SECRET, now=now) == new


def test_renewing_a_person_without_link_makes_one(session, keyring, links, now):
    person = make_award(session, keyring, links, now).beneficiary
    token = private_link.renew(session, beneficiary=person, secret=SECRET, now=now)
    assert private_link.beneficiary_for(session, token) is person


def test_a_copy_of_the_database_without_the_secret_opens_nothing(session, keyring, links, now):
    person = make_award(session, keyring, links, now).beneficiary
    token = private_link.private_token(session, beneficiary=person, secret=SECRET, now=now)
    other = private_link.derive_token(
        b"another-secret", person, session.scalars(select(BeneficiaryLink)).one().salt
    )
    assert other != token and private_link.beneficiary_for(session, other) is None


def test_a_changed_server_secret_gives_a_new_working_link(session, keyring, links, now):
    person = make_award(session, keyring, links, now).beneficiary
    old = private_link.private_token(session, beneficiary=person, secret=SECRET, now=now)
    new = private_link.private_token(session, beneficiary=person, secret=b"rotated", now=now)
    assert new != old and private_link.beneficiary_for(session, new) is person
    assert private_link.beneficiary_for(session, old) is None


def test_each_person_has_their_own_link(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    other = make_beneficiary(session, award.issuer, now, display_name="Karim", email=None)
    mine = private_link.private_token(session, beneficiary=award.beneficiary, secret=SECRET, now=now)
    theirs = private_link.private_token(session, beneficiary=other, secret=SECRET, now=now)
    assert mine != theirs
    assert private_link.beneficiary_for(session, theirs) is other


def test_bad_tokens_open_nothing(session):
    for token in ("", "x", "a" * private_link.TOKEN_LENGTH, "é" * private_link.TOKEN_LENGTH, "a" * 500):
        assert private_link.beneficiary_for(session, token) is None


def test_deleting_the_person_deletes_the_link(session, keyring, links, now):
    award = make_award(session, keyring, links, now)
    other = make_beneficiary(session, award.issuer, now, display_name="Lina")
    token = private_link.private_token(session, beneficiary=other, secret=SECRET, now=now)
    session.flush()
    beneficiaries.delete_beneficiary(session, beneficiary=other)
    session.flush()
    assert private_link.beneficiary_for(session, token) is None
    assert session.scalars(select(BeneficiaryLink)).all() == []
