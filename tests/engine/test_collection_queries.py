"""Checked queries, joint rows and integer offsets of collections, against brute force."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from specmock.engine.collections import Categorical, Collection, Timeline

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
# periods that are equal (10, 10) or divide another (5 | 10): a table joins their masks
FIELDS = (
    Categorical("a", [("x", 1), ("y", 2), ("z", 2)], period=10),
    Categorical("b", [("p", 1), ("q", 1)], period=10),
    Categorical("c", [("u", 3), ("v", 2)], period=5),
    Categorical("d", [("m", 1), ("n", 2)], period=7),
)
Clause = Mapping[str, Sequence[str]]


def jobs(total: int = 700) -> Collection[int]:
    return Collection(total, lambda i: i, FIELDS, seed=5, name="jobs", timeline=Timeline(ANCHOR, timedelta(minutes=3)))


def naive(coll: Collection[int], clauses: Sequence[Clause], start: int, stop: int) -> list[int]:
    return [
        i
        for i in range(start, min(stop, coll.total))
        if any(all(not v or coll.field_value(f, i) in v for f, v in clause.items()) for clause in clauses)
    ]


UNIONS: list[list[Clause]] = [
    # alike but for one field, as a status filter's clauses are: they factor into one conjunction
    [{"a": ["x"], "b": ["p"], "d": ["m"]}, {"a": ["y"], "b": ["p"], "d": ["m"]}, {"a": ["z"], "b": ["p"], "d": ["m"]}],
    [{"a": ["x"], "c": ["u"]}, {"b": ["q"], "c": ["u"]}, {"a": ["y", "z"], "d": ["n"]}],
    [{"a": ["x"]}, {"a": ["x"], "b": ["p"]}, {"c": ["v"], "d": ["m"]}],  # the second is absorbed
    [{"a": ["x"], "b": ["q"]}, {"a": ["x"], "b": ["p"]}],  # together: a alone
    [{"c": ["u", "v"], "d": ["m"]}],  # all of c: no constraint
    [{"a": ["x"], "c": ["v"]}, {"a": ["x"], "c": ["u"]}, {"d": ["n"]}],
]


@pytest.mark.parametrize("clauses", UNIONS)
@pytest.mark.parametrize("shift", [0, 3, 10**12 + 1])
def test_factored_unions_count_and_page_exactly(clauses: list[Clause], shift: int) -> None:
    base = jobs()
    view = base.at(shift)
    query = view.query(clauses)
    for start, stop in [(0, 700), (13, 400), (350, 351), (690, 700)]:
        expected = naive(view, clauses, start, stop)
        assert view.count(query, start=start, stop=stop) == view.count(clauses, start=start, stop=stop)
        assert view.count(query, start=start, stop=stop) == len(expected)
        for offset, limit in [(0, 20), (7, 5), (len(expected) - 3, 20)]:
            page = view.page(max(0, offset), limit, query, start=start, stop=stop)
            assert page.indices == expected[max(0, offset) : max(0, offset) + limit]


def test_a_query_serves_every_view_of_its_collection_and_no_other() -> None:
    coll = jobs()
    query = coll.query({"a": ["x"], "d": ["n"]})
    for view in (coll.at(5), coll.resized(100), coll.at(10**9).resized(300)):
        assert view.page(0, 50, query).indices == view.page(0, 50, {"a": ["x"], "d": ["n"]}).indices
    with pytest.raises(ValueError, match="another collection"):
        jobs().count(query)
    with pytest.raises(ValueError, match="unknown value"):
        coll.query({"a": ["nope"]})
    assert coll.query({}).key is None and coll.query({"a": []}).key is None


def test_rows_put_the_fields_side_by_side() -> None:
    coll = jobs()
    rows = coll.rows("a", "b", "c")
    assert len(rows) == 10
    for position in range(40):
        assert rows[position % len(rows)] == tuple(coll.pattern(f)[position % len(coll.pattern(f))] for f in "abc")
    view = coll.at(12_345)
    for index, name in itertools.product(range(30), "ab"):
        assert rows[view.position(index) % 10]["ab".index(name)] == view.field_value(name, index)
    long = Collection(1, lambda i: i, [Categorical("e", [("x", 1)], 70_001), Categorical("f", [("y", 1)], 2)])
    with pytest.raises(ValueError, match="repeat together"):
        long.rows("e", "f")


def test_offsets_are_the_times_in_microseconds() -> None:
    for spacing in (timedelta(microseconds=1), timedelta(minutes=3), timedelta(days=2)):  # two days: a long jitter
        coll = Collection(10**9, lambda i: i, seed=4, timeline=Timeline(ANCHOR, spacing)).at(77, ANCHOR)
        for index in (0, 1, 2, 999, 100_003):
            assert coll.time(index) == ANCHOR - timedelta(microseconds=coll.offset(index))
    with pytest.raises(ValueError, match="no timeline"):
        Collection(3, lambda i: i).offset(0)


def test_a_page_is_built_by_items_when_given() -> None:
    coll = Collection(10**6, lambda i: ("one", i), [Categorical("c", [("a", 1), ("b", 2)])], seed=1)
    batches: list[list[int]] = []

    def many(indices: list[int]) -> list[tuple[str, int]]:
        batches.append(list(indices))
        return [("page", i) for i in indices]

    view = coll.at(5, items=many)
    page = view.page(3, 4, {"c": "a"})
    assert batches == [page.indices] and page.items == [("page", i) for i in page.indices]
    assert view.page(0, 3, order="ASC", contains=None).items == [("page", i) for i in (999_999, 999_998, 999_997)]
    assert view.get(7) == ("one", 7)  # a single item is still `item`
    assert coll.at(5, items=many).at(6, item=lambda i: ("two", i)).page(0, 2).items == [("two", 0), ("two", 1)]


def test_a_page_of_offsets_is_the_offset_of_each_index() -> None:
    for spacing in (timedelta(microseconds=1), timedelta(minutes=3), timedelta(days=2)):  # two days: a long jitter
        coll = Collection(10**9, lambda i: i, seed=4, timeline=Timeline(ANCHOR, spacing)).at(77, ANCHOR)
        indices = [0, 1, 2, 999, 100_003, 10**9 - 1]
        assert coll.offsets(indices) == [coll.offset(i) for i in indices]
