"""Sharing chosen by the holder: public or private, share links with an expiry, claim codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from badges.models import ShareLink
from badges.services.credentials import published, revocation, sharing
from badges.services.shared.errors import InvalidInput, NotFound, RuleError
from tests.factories import make_award


@pytest.fixture
def award(session, keyring, links, now):
    return make_award(session, keyring, links, now)


def test_claim_codes_are_unambiguous_unique_and_stable(session, keyring, links, now, award):
    code = sharing.claim_code(session, credential=award, now=now)
    assert len(code) == sharing.CLAIM_LENGTH and set(code) <= set(sharing.CLAIM_ALPHABET)
    assert not set(code) & set("ILOU")
    assert sharing.claim_code(session, credential=award, now=now) == code
    other = make_award(session, keyring, links, now, issuer=award.issuer, display_name="Karim")
    assert sharing.claim_code(session, credential=other, now=now) != code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"),
        (" abcd efgh jkmn ", "ABCDEFGHJKMN"),
        ("OOOO-IIII-LLLL", "000011111111"),
        ("ABCD-EFGH-JKM", None),
        ("ABCD-EFGH-JKMNP", None),
        ("ABCD-EFGH-JKMU", None),
        ("ABCD-EFGH-JK#N", None),
        ("", None),
    ],
)
def test_typed_codes_are_read_generously(typed, expected):
    assert sharing.normalise_code(typed) == expected


def test_a_code_finds_its_badge(session, now, award):
    code = sharing.claim_code(session, credential=award, now=now)
    assert sharing.by_claim_code(session, sharing.format_code(code).lower()) is award
    assert sharing.by_claim_code(session, "0000-0000-0000") is None
    assert sharing.by_claim_code(session, "pas un code") is None
    assert sharing.format_code(code).count("-") == 2


def test_badges_are_public_until_their_holder_says_otherwise(session, links, now, award):
    assert sharing.publicly_visible(session, award)
    assert sharing.settings_of(session, award) is None  # nothing stored for the default
    sharing.set_private(session, credential=award, value="private", now=now)
    assert sharing.is_private(session, award) and not sharing.publicly_visible(session, award)
    assert published.credential(session, links, award.public_id) is None
    assert published.ob2_assertion(session, links, award.public_id) is None
    sharing.set_private(session, credential=award, value="public", now=now)
    assert published.credential(session, links, award.public_id) is not None


@pytest.mark.parametrize("value", [None, "", "privé", "PRIVATE", True, 1])
def test_visibility_accepts_only_public_or_private(session, now, award, value):
    with pytest.raises(InvalidInput) as raised:
        sharing.set_private(session, credential=award, value=value, now=now)
    assert "visibilite" in raised.value.fields
    assert sharing.settings_of(session, award) is None


def test_a_revoked_private_badge_still_answers_gone_to_ob2_verifiers(session, keyring, links, now, award):
    sharing.set_private(session, credential=award, value="private", now=now)
    revocation.revoke(session, keyring, credential=award, reason="Erreur", links=links, now=now)
    found = published.ob2_assertion(session, links, award.public_id)
    assert found is not None and found.status == 410


def test_share_links_open_the_badge_until_they_expire(session, now, award):
    link, token = sharing.create_link(session, credential=award, data={"label": "Ma conseillère"}, now=now)
    assert link.expires_at == datetime(2026, 6, 12, 10, 0, tzinfo=UTC)  # three months by default
    assert token not in link.token_hash and len(token) == sharing.SHARE_TOKEN_LENGTH
    assert sharing.shared(session, token, now=now) == (award, "ok")
    assert sharing.shared(session, token, now=link.expires_at) == (None, "gone")
    assert sharing.shared(session, token[:-1] + ("A" if token[-1] != "A" else "B"), now=now) == (
        None,
        "unknown",
    )
    assert sharing.shared(session, "court", now=now) == (None, "unknown")


@pytest.mark.parametrize(
    ("months", "until"), [("1", (2026, 4, 12)), ("6", (2026, 9, 12)), ("12", (2027, 3, 12))]
)
def test_the_holder_chooses_how_long_a_link_lasts(session, now, award, months, until):
    link, _ = sharing.create_link(session, credential=award, data={"duree": months}, now=now)
    assert link.expires_at.date() == datetime(*until).date()


def test_months_end_on_the_last_day_when_shorter():
    assert sharing.add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert sharing.add_months(datetime(2026, 11, 30, tzinfo=UTC), 3) == datetime(2027, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"duree": "2"}, "duree"),
        ({"duree": 3}, "duree"),
        ({"label": "x" * 61}, "label"),
        ({"label": 5}, "label"),
    ],
)
def test_bad_share_requests_change_nothing(session, now, award, data, field):
    with pytest.raises(InvalidInput) as raised:
        sharing.create_link(session, credential=award, data=data, now=now)
    assert field in raised.value.fields
    assert sharing.active_links(session, credential=award, now=now) == []


def test_a_stopped_link_no_longer_opens_the_badge(session, now, award):
    link, token = sharing.create_link(session, credential=award, data={}, now=now)
    sharing.revoke_link(session, credential=award, public_id=link.public_id, now=now)
    assert sharing.shared(session, token, now=now) == (None, "gone")
    assert sharing.active_links(session, credential=award, now=now) == []
    with pytest.raises(NotFound):
        sharing.revoke_link(session, credential=award, public_id=link.public_id, now=now)


def test_a_link_of_another_badge_cannot_be_stopped_from_this_one(session, keyring, links, now, award):
    other = make_award(session, keyring, links, now, issuer=award.issuer, display_name="Karim")
    link, _ = sharing.create_link(session, credential=other, data={}, now=now)
    with pytest.raises(NotFound):
        sharing.revoke_link(session, credential=award, public_id=link.public_id, now=now)


def test_active_links_are_capped(session, now, award):
    for _ in range(sharing.MAX_ACTIVE_LINKS):
        sharing.create_link(session, credential=award, data={}, now=now)
    with pytest.raises(RuleError):
        sharing.create_link(session, credential=award, data={}, now=now)
    later = now + timedelta(days=400)  # all expired: new ones may be made
    sharing.create_link(session, credential=award, data={}, now=later)


def test_revoked_and_erased_badges_are_not_shared(session, keyring, links, now, award):
    link, token = sharing.create_link(session, credential=award, data={}, now=now)
    code = sharing.claim_code(session, credential=award, now=now)
    revocation.revoke(session, keyring, credential=award, reason="Erreur", links=links, now=now)
    with pytest.raises(RuleError):
        sharing.create_link(session, credential=award, data={}, now=now)
    assert sharing.shared(session, token, now=now) == (award, "ok")  # it shows the badge as revoked
    revocation.erase(session, keyring, credential=award, links=links, now=now)
    assert sharing.shared(session, token, now=now) == (None, "unknown")  # erasure deleted the link
    assert session.scalars(select(ShareLink)).all() == []
    assert sharing.by_claim_code(session, code) is award  # the verifier says "erased", not "unknown"
    with pytest.raises(NotFound):
        sharing.create_link(session, credential=award, data={}, now=now)
    with pytest.raises(NotFound):
        sharing.claim_code(session, credential=award, now=now)
    assert not sharing.publicly_visible(session, award)
