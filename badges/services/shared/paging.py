"""One paginator for every list the screens and the API show: a page of items and the counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 1), how many pages and items in all."""

    items: list[T]
    page: int
    per_page: int
    pages: int
    total: int

    def map(self, render: Callable[[T], U]) -> Page[U]:
        """The same page with each item turned into what a screen or the API shows."""
        items = [render(item) for item in self.items]
        return Page(items=items, page=self.page, per_page=self.per_page, pages=self.pages, total=self.total)


def paginate(
    session: Session, query: Select[Any], *, page: int, per_page: int, clamp: bool = False
) -> Page[Any]:
    """The `page`-th page (from 1) of `query`, already ordered, `per_page` rows a page.

    `clamp` shows the last page for a number beyond it (a screen's stale link); without it such a page is
    empty (the API answers what was asked).
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    if clamp:
        page = min(page, pages)
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, pages=pages, total=total)
