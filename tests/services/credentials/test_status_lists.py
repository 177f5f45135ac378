"""Status list entries: each award gets a free index drawn at random, so neighbours reveal nothing."""

from __future__ import annotations

import pytest

from badges.services.credentials import issuance, status_lists
from tests.factories import make_badge_class, make_beneficiary, make_issuer


def award_many(session, keyring, links, now, count, *, list_size=None):
    """`count` awards of one class in one tiers-lieu (optionally on a list of `list_size` entries)."""
    issuer = make_issuer(session, keyring, links, now)
    status_list = status_lists.list_for(session, issuer)
    if list_size is not None:
        status_list.size = list_size
    badge = make_badge_class(session, issuer, now)
    people = [
        make_beneficiary(session, issuer, now, display_name=f"Personne {n}", email=f"p{n}@example.org")
        for n in range(count)
    ]
    credentials = [
        issuance.award(session, keyring, badge_class=badge, beneficiary=p, links=links, now=now)
        for p in people
    ]
    return status_list, [c.status_index for c in credentials], (badge, issuer)


def test_indexes_are_distinct_in_range_and_unrelated_to_the_order_of_issue(session, keyring, links, now):
    status_list, indexes, _ = award_many(session, keyring, links, now, 20)
    assert len(set(indexes)) == len(indexes)
    assert all(0 <= i < status_list.size for i in indexes)
    # A counter (0, 1, 2...) or "first free" allocator gives a sorted run; 20 random draws are sorted
    # with probability 2/20!, and all fall within a quarter of the list with probability < 1e-9.
    assert indexes != sorted(indexes) and indexes != sorted(indexes, reverse=True)
    assert max(indexes) - min(indexes) > status_list.size // 4


def test_taken_indexes_are_never_given_again_until_the_list_is_full(session, keyring, links, now):
    status_list, indexes, (badge, issuer) = award_many(session, keyring, links, now, 4, list_size=4)
    assert sorted(indexes) == [0, 1, 2, 3]
    one_more = make_beneficiary(session, issuer, now, display_name="Lina", email="lina@example.org")
    with pytest.raises(RuntimeError, match="full"):
        issuance.award(session, keyring, badge_class=badge, beneficiary=one_more, links=links, now=now)
