"""Exact counts and pages of a union of (clause, index window) pieces, such as a status filter.

A lifecycle's status is not a field of the item but a function of its fields and its index: the
items showing a status are a union of pieces, each a conjunction of accepted field values over an
index window (`lifecycle.Schedule.pieces`). Between two consecutive piece boundaries the same
pieces cover every index, so that window is an OR of conjunctions, which the collection counts
in O(1) and pages exactly. A `Plan` is those windows in index order with their checked queries:
a page walks them, passing whole windows by their counts alone, so a deep offset costs one count
per window and the page costs O(page) wherever it falls.

A plan is made for a collection's layout (its queries are checked once) and pages any view of it
(`Collection.at`), so one plan serves every moment of a live collection. `split` carves a few
single indices out of it, each counted by a query of its own: what timed events need, where a
handful of items show another status than their course says (see events.py).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from specmock.engine.collections import Collection, Query
from specmock.engine.lifecycle import Piece

T = TypeVar("T")

Clause = Mapping[str, Sequence[str]]


class Window(NamedTuple):
    """Indices [lo, hi) matching a checked query."""

    lo: int
    hi: int
    query: Query


def segments(pieces: Sequence[Piece], base: Clause) -> list[tuple[int, int, list[dict[str, list[str]]]]]:
    """The index windows between piece boundaries, each with the OR of the clauses of the pieces covering it.

    `base` (the other filters) is ANDed into every clause; a clause it contradicts is left out.
    """
    bounds = sorted({b for _, lo, hi in pieces for b in (lo, hi)})
    out = []
    for lo, hi in itertools.pairwise(bounds):
        clauses = []
        for clause, start, stop in pieces:
            if start <= lo and hi <= stop:
                joined = _joined(base, clause)
                if joined is not None:
                    clauses.append(joined)
        if clauses:
            out.append((lo, hi, clauses))
    return out


def _joined(base: Clause, clause: Clause) -> dict[str, list[str]] | None:
    """Both conjunctions at once (an empty list is no constraint, as in a filter); None if they exclude each other."""
    out = {k: list(v) for k, v in base.items()}
    for k, v in clause.items():
        if not v:
            continue
        accepted = [x for x in v if x in out[k]] if out.get(k) else list(v)
        if not accepted:
            return None
        out[k] = accepted
    return out


class Plan:
    """Windows in index order, each with its checked query: exact counts and pages of their union."""

    def __init__(self, windows: Sequence[Window], base: Query) -> None:
        self.windows = tuple(windows)
        self.base = base  # the other filters alone: what a split-off index is counted with

    @staticmethod
    def of(collection: Collection[Any], pieces: Sequence[Piece], base: Clause | None = None) -> Plan:
        """The plan of a union of pieces, ANDed with the `base` filters, for the collection's layout."""
        base = base or {}
        windows = [Window(lo, hi, collection.query(clauses)) for lo, hi, clauses in segments(pieces, base)]
        return Plan(windows, collection.query(dict(base)))

    def split(self, points: Sequence[tuple[int, bool]]) -> Plan:
        """The same plan with these indices carved out: one that `matches` is counted by the base filters alone."""
        cuts = sorted(dict.fromkeys(i for i, _ in points))
        out: list[Window] = []
        for lo, hi, query in self.windows:
            start = lo
            for i in cuts[bisect_left(cuts, lo) :]:
                if i >= hi:
                    break
                if start < i:
                    out.append(Window(start, i, query))
                start = i + 1
            if start < hi:
                out.append(Window(start, hi, query))
        matching = dict.fromkeys(i for i, matches in points if matches)
        out += [Window(i, i + 1, self.base) for i in matching]
        return Plan(sorted(out, key=lambda w: w.lo), self.base)

    def within(self, start: int, stop: int) -> Plan:
        """The same plan over indices [start, stop) only."""
        windows = [Window(max(lo, start), min(hi, stop), q) for lo, hi, q in self.windows if lo < stop and start < hi]
        return Plan(windows, self.base)

    def count(self, view: Collection[Any], *, after: datetime | None = None, before: datetime | None = None) -> int:
        """How many items of the view the plan matches within the time range."""
        return sum(view.count(q, start=lo, stop=hi, after=after, before=before) for lo, hi, q in self.windows)

    def page(
        self,
        view: Collection[T],
        offset: int,
        limit: int,
        *,
        order: str = "DESC",
        after: datetime | None = None,
        before: datetime | None = None,
        contains: Mapping[str, str] | None = None,
    ) -> tuple[list[T], bool]:
        """Matching items offset .. offset + limit - 1 in the order, and whether more match.

        Exact; with `contains` (a substring search, which can only walk a window) within the
        view's scan limit per window.
        """
        windows = self.windows if order.upper() == "DESC" else self.windows[::-1]
        if contains:
            return self._scan(view, windows, offset, limit, order, after, before, contains)
        items: list[T] = []
        skip = offset
        for lo, hi, query in windows:
            # a window is counted in O(1) and paged only where the page falls: a deep offset
            # passes most windows by their counts alone
            count = view.count(query, start=lo, stop=hi, after=after, before=before)
            if len(items) == limit:
                if count:
                    return items, True
            elif skip >= count:
                skip -= count
            else:
                part = view.page(
                    skip, limit - len(items), query, order=order, start=lo, stop=hi, after=after, before=before
                )
                items += part.items
                skip = 0
                if part.more:
                    return items, True
        return items, False

    @staticmethod
    def _scan(
        view: Collection[T],
        windows: Sequence[Window],
        offset: int,
        limit: int,
        order: str,
        after: datetime | None,
        before: datetime | None,
        contains: Mapping[str, str],
    ) -> tuple[list[T], bool]:
        items: list[T] = []
        skip = offset
        bounds: dict[str, Any] = {"order": order, "after": after, "before": before, "contains": contains}
        for lo, hi, query in windows:
            need = limit - len(items)
            if need == 0:
                if view.page(0, 0, query, start=lo, stop=hi, **bounds).total:
                    return items, True
                continue
            part = view.page(0, skip + need, query, start=lo, stop=hi, **bounds)
            items += part.items[skip:]
            skip = max(0, skip - len(part.items))
            if part.more and len(items) == limit:
                return items, True
        return items, False


class PlanBase:
    """A plan over one view as an overlay's filtered base (engine.overlay.FilteredBase), newest first."""

    def __init__(
        self, plan: Plan, view: Collection[Any], after: datetime | None = None, before: datetime | None = None
    ) -> None:
        self.plan, self.view, self.after, self.before = plan, view, after, before

    def count(self, start: int, stop: int) -> int:
        """How many items at indices start .. stop - 1 the plan matches."""
        return self.plan.within(start, stop).count(self.view, after=self.after, before=self.before)

    def page(self, skip: int, limit: int, start: int, stop: int) -> list[Any]:
        """The matching items at indices start .. stop - 1, after `skip` of them, at most `limit`."""
        window = self.plan.within(start, stop)
        return window.page(self.view, skip, limit, after=self.after, before=self.before)[0]
