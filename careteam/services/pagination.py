"""Offset pages without a COUNT query: fetch one row more than shown to know if there is a next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select

from careteam.domain.limits import PAGE_MAX
from careteam.extensions import db

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(number: int) -> int:
    """A page number from a URL, clamped so that it never overflows OFFSET."""
    return min(max(1, number), PAGE_MAX)


def paginate(stmt: Select, number: int, per_page: int) -> Page:
    number = page_number(number)
    rows = db.session.scalars(stmt.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(list(rows[:per_page]), number, per_page, len(rows) > per_page)
