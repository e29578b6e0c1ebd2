"""Writes merged over generated base data: exact totals and exact pages in O(page + writes).

The base is a filtered sequence that can count and page any window of its positions without
building what it skips (an engine `Collection`, or a list that pages it window by window). The
writes are few: a patched record, a hidden (deleted) one, a created one. Each becomes at most
two edits at a base position: the base record is *hidden* where it matched the filter, and the
record as it is now is *inserted* there where it matches now. A created record is inserted at the
position its order gives it. The merged sequence is then the base windows between edit positions,
each counted in one call and paged only where the page falls, with the inserted records between
them. So a write that changes a filtered field moves the record in or out of the filtered list
and every page and total stays exact; nothing is one short.

Positions are in the order the list shows (the caller maps an ascending list onto reversed
indices); an inserted record shows just before the base record at its position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from specmock.engine.collections import Collection, Query

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

__all__ = ["Edits", "FilteredBase", "Merged", "QueryBase", "edits_of", "merged_page"]


class FilteredBase(Protocol[T_co]):
    """A filtered base list: the matching records among positions [start, stop), counted and paged."""

    def count(self, start: int, stop: int) -> int:
        """How many records at positions start .. stop - 1 match."""
        ...

    def page(self, skip: int, limit: int, start: int, stop: int) -> Sequence[T_co]:
        """The matching records at positions start .. stop - 1, after skipping `skip` of them, at most `limit`."""
        ...


@dataclass(frozen=True)
class Edits(Generic[T]):
    """What the writes do to one filtered list: base positions hidden, records inserted at positions."""

    hidden: tuple[int, ...] = ()  # sorted, each a position whose base record matched the filter
    inserted: tuple[tuple[int, T], ...] = ()  # sorted by position; equal positions keep their order

    def __bool__(self) -> bool:
        return bool(self.hidden or self.inserted)


@dataclass
class Merged(Generic[T]):
    """A merged page: its records, the exact total of matching records, and whether more follow."""

    items: list[T] = field(default_factory=list)
    total: int = 0

    def more(self, offset: int) -> bool:
        """Whether records follow this page, which started at `offset`."""
        return offset + len(self.items) < self.total


def edits_of(
    changed: Iterable[tuple[int, T | None]],
    base_matches: Callable[[int], bool],
    matches: Callable[[T], bool],
    created: Iterable[tuple[int, T]] = (),
) -> Edits[T]:
    """The edits of a list from its writes.

    `changed` is (base position, the record as it is now, or None where it was deleted);
    `base_matches(position)` says whether the generated record there passes the list's filter,
    `matches(record)` whether a record as it is now does; `created` is (position, record).
    """
    hidden: list[int] = []
    # a created record at a position stands before the base record there, as it does before an
    # untouched one; the stable sort keeps that, and the given order among created ones
    inserted = [(position, record) for position, record in created if matches(record)]
    for position, now in changed:
        if base_matches(position):
            hidden.append(position)
        if now is not None and matches(now):
            inserted.append((position, now))
    inserted.sort(key=lambda pair: pair[0])
    return Edits(tuple(sorted(dict.fromkeys(hidden))), tuple(inserted))


def merged_page(base: FilteredBase[T], stop: int, edits: Edits[T], offset: int, limit: int) -> Merged[T]:
    """Records offset .. offset + limit - 1 of the base (positions 0 .. stop - 1) with the edits applied."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must be >= 0, not {offset} and {limit}")
    hidden = [p for p in edits.hidden if 0 <= p < stop]
    inserted = [(p, r) for p, r in edits.inserted if p <= stop]
    out = Merged[T](total=base.count(0, stop) - len(hidden) + len(inserted))
    if not edits:
        out.items = list(base.page(offset, limit, 0, stop))
        return out
    skip, items = offset, out.items
    # inserts at a position come before the base record there, which a hide at that position removes
    events: Sequence[tuple[int, int, T | None]] = sorted(
        [(p, 0, r) for p, r in inserted] + [(p, 1, None) for p in hidden], key=lambda e: (e[0], e[1])
    )
    cursor = 0
    for position, kind, record in [*events, (stop, 2, None)]:
        if len(items) == limit:
            break
        if cursor < position:
            count = base.count(cursor, position)
            if skip >= count:
                skip -= count
            else:
                items += base.page(skip, limit - len(items), cursor, position)
                skip = 0
        if kind == 0:
            cursor = max(cursor, position)
            if skip:
                skip -= 1
            elif len(items) < limit:
                items.append(record)  # type: ignore[arg-type]  # kind 0 always carries a record
        elif kind == 1:
            cursor = max(cursor, position + 1)
        else:
            cursor = position
    return out


class QueryBase(Generic[T]):
    """An engine collection's items matching a query, as a FilteredBase in the order a list shows.

    Newest first ("DESC") shows index order; oldest first ("ASC") shows it reversed, so position
    p is index total - 1 - p.
    """

    def __init__(
        self,
        collection: Collection[T],
        query: Query | None,
        order: str = "DESC",
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> None:
        self.collection, self.query, self.order = collection, query, order
        self.ascending = order.upper() == "ASC"
        self.after, self.before = after, before

    @property
    def stop(self) -> int:
        """One past the last position: the collection's total."""
        return self.collection.total

    def position(self, index: int) -> int:
        """Where the item at `index` stands in the list's order."""
        return self.collection.total - 1 - index if self.ascending else index

    def _indices(self, start: int, stop: int) -> tuple[int, int]:
        total = self.collection.total
        return (total - stop, total - start) if self.ascending else (start, stop)

    def count(self, start: int, stop: int) -> int:
        """How many items at positions start .. stop - 1 match."""
        lo, hi = self._indices(start, stop)
        return self.collection.count(self.query, after=self.after, before=self.before, start=lo, stop=hi)

    def page(self, skip: int, limit: int, start: int, stop: int) -> list[T]:
        """The matching items at positions start .. stop - 1, after `skip` of them, at most `limit`."""
        lo, hi = self._indices(start, stop)
        return self.collection.page(
            skip, limit, self.query, order=self.order, after=self.after, before=self.before, start=lo, stop=hi
        ).items

    def matches(self, index: int) -> bool:
        """Whether the generated item at `index` passes the query and times."""
        return self.count(self.position(index), self.position(index) + 1) == 1
