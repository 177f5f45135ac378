"""The one paginator: counts, pages, and a page beyond the last (empty for the API, the last for screens)."""

import pytest
from sqlalchemy import select

from badges.models import Framework
from badges.services.programme import framework_io
from badges.services.shared import paging


@pytest.fixture(autouse=True)
def shipped(session):
    framework_io.load_defaults(session)


def _query():
    return select(Framework.slug).order_by(Framework.slug)


def test_a_page_holds_its_items_and_the_counts(session):
    slugs = list(session.scalars(_query()))
    assert len(slugs) >= 5  # the shipped frameworks
    first = paging.paginate(session, _query(), page=1, per_page=2)
    assert (first.items, first.page, first.per_page, first.total) == (slugs[:2], 1, 2, len(slugs))
    assert first.pages == -(-len(slugs) // 2)
    second = paging.paginate(session, _query(), page=2, per_page=2)
    assert second.items == slugs[2:4]


def test_a_page_beyond_the_last_is_empty_unless_clamped(session):
    slugs = list(session.scalars(_query()))
    beyond = paging.paginate(session, _query(), page=50, per_page=2)
    assert (beyond.items, beyond.page) == ([], 50)
    clamped = paging.paginate(session, _query(), page=50, per_page=2, clamp=True)
    assert clamped.page == clamped.pages and clamped.items == slugs[(clamped.pages - 1) * 2 :]


def test_map_renders_the_items_and_keeps_the_counts(session):
    found = paging.paginate(session, _query(), page=1, per_page=3).map(str.upper)
    assert all(item == item.upper() for item in found.items) and found.per_page == 3


def test_an_empty_list_has_one_empty_page(session):
    empty = paging.paginate(session, _query().where(Framework.slug == "rien"), page=1, per_page=5)
    assert (empty.items, empty.pages, empty.total) == ([], 1, 0)
