"""The staff list of awards: filters read from a query string, status rules, search, pages, scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from badges.services.credentials import revocation
from badges.services.holders import award_listing
from badges.services.holders.award_listing import Filters, parse_filters
from badges.services.shared.errors import NotFound
from tests.factories import make_award, make_issuer


def test_parse_filters_keeps_good_values():
    filters, errors = parse_filters({"status": "revoque", "q": "  awa ", "badge": "b1", "page": "3"})
    assert errors == {}
    assert filters == Filters(status="revoque", badge_class="b1", search="awa", page=3)
    assert filters.query() == {"q": "awa", "status": "revoque", "badge": "b1"}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": "perdu"}, "status"),
        ({"q": "x" * 101}, "q"),
        ({"page": "-1"}, "page"),
        ({"page": "9" * 9}, "page"),
    ],
)
def test_parse_filters_explains_and_drops_bad_values(args, field):
    filters, errors = parse_filters(args)
    assert set(errors) == {field}
    assert filters.page >= 1 and filters.status is None and filters.search is None


@pytest.fixture
def issuer_awards(session, keyring, links, now):
    issuer = make_issuer(session, keyring, links, now)
    awards = {
        name: make_award(
            session, keyring, links, now + timedelta(minutes=n), issuer=issuer, display_name=name
        )
        for n, name in enumerate(("Awa", "Karim", "Lina", "100%"))
    }
    revocation.revoke(session, keyring, credential=awards["Karim"], reason="Erreur", links=links, now=now)
    awards["Lina"].valid_until = now
    session.flush()
    return issuer, awards


def names(page):
    return [row["beneficiary"] for row in page.page.items]


@pytest.mark.parametrize(
    ("status", "expected"), [("valide", ["100%", "Awa"]), ("revoque", ["Karim"]), ("expire", ["Lina"])]
)
def test_status_filters(session, now, issuer_awards, status, expected):
    issuer, _ = issuer_awards
    page = award_listing.list_awards(session, issuer=issuer, filters=Filters(status=status), now=now)
    assert names(page) == expected


def test_search_is_case_insensitive_and_treats_wildcards_literally(session, now, issuer_awards):
    issuer, _ = issuer_awards
    assert names(
        award_listing.list_awards(session, issuer=issuer, filters=Filters(search="KAR"), now=now)
    ) == ["Karim"]
    assert names(award_listing.list_awards(session, issuer=issuer, filters=Filters(search="%"), now=now)) == [
        "100%"
    ]
    by_badge = award_listing.list_awards(session, issuer=issuer, filters=Filters(search="e-mail"), now=now)
    assert by_badge.page.total == 4


def test_pages_are_newest_first_and_clamped(session, now, issuer_awards):
    issuer, _ = issuer_awards
    first = award_listing.list_awards(session, issuer=issuer, filters=Filters(), now=now, per_page=3)
    assert (first.page.total, first.page.pages, names(first)) == (4, 2, ["100%", "Lina", "Karim"])
    beyond = award_listing.list_awards(session, issuer=issuer, filters=Filters(page=7), now=now, per_page=3)
    assert beyond.page.page == 2 and names(beyond) == ["Awa"]
    assert len(first.badge_classes) == 4


def test_awards_of_another_tiers_lieu_are_neither_listed_nor_found(
    session, keyring, links, now, issuer_awards
):
    issuer, awards = issuer_awards
    other = make_issuer(session, keyring, links, now)
    assert award_listing.list_awards(session, issuer=other, filters=Filters(), now=now).page.total == 0
    with pytest.raises(NotFound):
        award_listing.award_of(session, issuer=other, public_id=awards["Awa"].public_id)
    assert award_listing.award_of(session, issuer=issuer, public_id=awards["Awa"].public_id) is awards["Awa"]


def test_the_detail_says_whether_the_badge_is_public(session, links, now, issuer_awards):
    _, awards = issuer_awards
    detail = award_listing.award_detail(session, links, awards["Awa"], now)
    assert detail["public"] is True and detail["claim_code"] is None and detail["status"] == "valide"
    assert [d["fmt"] for d in detail["downloads"]][:2] == ["ob3.png", "ob2.png"]
