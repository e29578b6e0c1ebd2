"""Collection views at absolute positions, index windows and unions of filters, against brute force."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.engine.collections import Categorical, Collection, Timeline

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
SPACING = timedelta(seconds=90)
BIG = 10**13 + 7
SHIFTS = (0, 1, 2, 57, 9_999, BIG, 10**14 - 3)

STATUS = Categorical("status", [("RUNNING", 3), ("PENDING", 1), ("COMPLETED", 5), ("FAILED", 1), ("LOST", 0)])
POOL = Categorical("pool", [("a", 1), ("b", 2), ("c", 1)], period=7)
FATE = Categorical("fate", [("COMPLETED", 4), ("FAILED", 1)], period=10)  # shares a factor with no other
FIELDS = (STATUS, POOL, FATE)
VALUES = {f.name: f.values for f in FIELDS}

Clause = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Row:
    position: int
    status: str
    pool: str
    fate: str
    at: datetime
    name: str


def base(total: int = 500, seed: int = 3, spacing: timedelta = SPACING) -> Collection[Row]:
    """A collection whose rows are made by views (see `view`); its own item is never asked for."""

    def unused(index: int) -> Row:
        raise AssertionError(f"the base collection's item {index} was asked for instead of the view's")

    return Collection(total, unused, FIELDS, seed=seed, name="jobs", timeline=Timeline(ANCHOR, spacing, jitter=1.0))


def view(coll: Collection[Row], shift: int, anchor: datetime | None = None) -> Collection[Row]:
    """The view at `shift`, with rows and texts keyed on the position, as domain code would make them."""

    def row(index: int) -> Row:
        position = out.position(index)
        status, pool, fate = (out.field_value(f, index) for f in ("status", "pool", "fate"))
        return Row(position, status, pool, fate, out.time(index), f"job-{position}")

    out: Collection[Row] = coll.at(shift, anchor, item=row, texts={"name": lambda index: f"Job-{out.position(index)}"})
    return out


def accepts(row: Row, filters: Clause | Sequence[Clause] | None) -> bool:
    clauses = [filters or {}] if filters is None or isinstance(filters, Mapping) else filters
    return any(all(not v or getattr(row, f) in v for f, v in clause.items()) for clause in clauses)


def naive(
    coll: Collection[Row],
    filters: Clause | Sequence[Clause] | None,
    after: datetime | None = None,
    before: datetime | None = None,
    start: int = 0,
    stop: int | None = None,
    needle: str = "",
) -> list[int]:
    """Matching indices, newest first, by looking at every item."""
    rows = [coll.get(i) for i in range(coll.total)]
    return [
        i
        for i, row in enumerate(rows)
        if accepts(row, filters)
        and (after is None or row.at >= after)
        and (before is None or row.at <= before)
        and start <= i
        and (stop is None or i < stop)
        and needle.casefold() in row.name.casefold()
    ]


CLAUSES = st.lists(st.sampled_from(sorted(VALUES)), unique=True, max_size=3).flatmap(
    lambda names: st.fixed_dictionaries({f: st.lists(st.sampled_from(VALUES[f]), unique=True) for f in names})
)
FILTERS = st.one_of(st.none(), CLAUSES, st.lists(CLAUSES, max_size=4))


def bound(coll: Collection[Row], spec: tuple[int, bool] | None) -> datetime | None:
    """A time bound: the exact instant of item k, or one between items (-5: after the newest)."""
    if spec is None:
        return None
    k, exact = spec
    if exact and 0 <= k < coll.total:
        return coll.time(k)
    return ANCHOR - SPACING * k + timedelta(seconds=k % 3)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    total=st.integers(0, 500),
    shift=st.one_of(st.sampled_from(SHIFTS), st.integers(0, 10**14)),
    filters=FILTERS,
    window=st.tuples(st.integers(0, 520), st.one_of(st.none(), st.integers(0, 520))),
    times=st.tuples(*[st.one_of(st.none(), st.tuples(st.integers(-5, 520), st.booleans()))] * 2),
    offset=st.integers(0, 520),
    limit=st.integers(0, 60),
    order=st.sampled_from(["DESC", "ASC"]),
    needle=st.sampled_from(["", "", "7", "-1"]),
)
def test_views_match_a_naive_filter(
    total: int,
    shift: int,
    filters: Clause | list[Clause] | None,
    window: tuple[int, int | None],
    times: tuple[tuple[int, bool] | None, tuple[int, bool] | None],
    offset: int,
    limit: int,
    order: str,
    needle: str,
) -> None:
    coll = view(base().resized(total), shift)
    start, stop = window
    after, before = (bound(coll, t) for t in times)
    expected = naive(coll, filters, after, before, start, stop, needle)
    ordered = expected if order == "DESC" else expected[::-1]
    if not needle:
        assert coll.count(filters, after=after, before=before, start=start, stop=stop) == len(expected)
    contains = {"name": needle} if needle else None
    page = coll.page(
        offset, limit, filters, order=order, contains=contains, after=after, before=before, start=start, stop=stop
    )
    assert page.indices == ordered[offset : offset + limit]
    assert [row.position for row in page.items] == [shift + i for i in page.indices]
    assert page.more is (offset + limit < len(ordered))
    if page.more and needle:
        assert page.total > offset + limit  # a text scan stops early: a lower bound that shows more
    else:
        assert page.total == len(expected) and page.total_exact


@pytest.mark.parametrize("shift", [s for s in SHIFTS if s > 0])
def test_an_item_keeps_its_identity_when_it_moves_down(shift: int) -> None:
    coll = base(300)
    now, later = view(coll, shift, ANCHOR), view(coll, shift - 1, ANCHOR + SPACING)
    for i in range(299):
        assert later.get(i + 1) == now.get(i)
    # with the anchor held still, the same item is exactly one spacing older one index down
    held = view(coll, shift - 1, ANCHOR)
    for i in range(299):
        assert held.get(i + 1).at == now.get(i).at - SPACING
        assert held.get(i + 1).status == now.get(i).status
    filters = [{"status": ["COMPLETED"]}, {"status": ["RUNNING", "PENDING"], "fate": ["COMPLETED"]}]
    moved = [i + 1 for i in now.page(0, 50, filters, stop=299).indices]
    assert later.page(0, 50, filters, start=1).indices == moved


def test_shift_zero_is_the_collection_itself() -> None:
    coll = base(400)
    plain: Collection[int] = Collection(
        400, lambda i: i, FIELDS, seed=3, name="jobs", timeline=Timeline(ANCHOR, SPACING, jitter=1.0)
    )
    same = plain.at(0)
    for i in range(400):
        assert same.time(i) == plain.time(i) == coll.time(i)
        assert same.field_value("status", i) == plain.field_value("status", i)
    filters = {"status": ["RUNNING"], "pool": ["b"]}
    after = plain.time(300)
    for order in ("DESC", "ASC"):
        assert same.page(5, 30, filters, order=order, after=after) == plain.page(
            5, 30, filters, order=order, after=after
        )
    assert same.index_range(after, None) == plain.index_range(after, None) == (0, 301)
    assert plain.shift == 0 and same.anchor == plain.anchor == ANCHOR


def test_views_share_the_layout_and_the_tables() -> None:
    coll = base(1000)
    filters = [{"status": ["FAILED"]}, {"pool": ["c"], "fate": ["FAILED"]}]
    coll.count(filters)
    tables = dict(coll._layout.cache)
    for shift in SHIFTS:
        other = view(coll, shift, ANCHOR + timedelta(hours=shift % 7))
        assert other._layout is coll._layout
        assert other.count(filters) == len(naive(other, filters))
    assert coll._layout.cache.keys() == tables.keys()
    assert all(coll._layout.cache[k] is tables[k] for k in tables)
    # the same union in another order, or with a clause twice, is the same table
    coll.count([filters[1], filters[0], filters[1]])
    assert coll._layout.cache.keys() == tables.keys()


def test_views_compose_with_resized() -> None:
    coll = base(100)
    one = view(coll, BIG).resized(300)
    other = view(coll.resized(300), BIG)
    assert one.total == other.total == 300 and one.shift == other.shift == BIG
    assert [one.get(i) for i in range(300)] == [other.get(i) for i in range(300)]
    again = one.at(5)  # a shift is absolute, not added to the view's
    assert again.shift == 5 and again.field_value("status", 0) == coll.field_value("status", 5)
    assert again.anchor == ANCHOR and coll.at(0, ANCHOR + SPACING).at(3).anchor == ANCHOR + SPACING


def test_unions_count_each_item_once() -> None:
    coll = view(base(500), BIG)
    running = {"status": ["RUNNING"]}
    in_a = {"pool": ["a"]}
    both = {"status": ["RUNNING"], "pool": ["a"]}
    assert coll.count([running, in_a]) == coll.count(running) + coll.count(in_a) - coll.count(both)
    assert coll.count([running, both]) == coll.count(running)  # a narrower clause adds nothing
    assert coll.count([running]) == coll.count(running)
    assert coll.count([{"status": ["LOST"]}, running]) == coll.count(running)  # LOST has weight 0
    complement = [v for v in VALUES["status"] if v != "RUNNING"]
    assert coll.count([running, {"status": complement}]) == 500
    assert coll.count([running, {}]) == coll.count([running, {"pool": []}]) == 500  # a clause with no constraint
    assert coll.count([]) == 0  # a union of nothing matches nothing
    assert coll.page(0, 10, []).indices == [] and coll.page(0, 10, []).more is False


def test_union_of_coprime_fields_is_exact_over_whole_periods() -> None:
    fields = [Categorical(f"f{p}", [("x", 1), ("y", 2)], period=p) for p in (101, 103, 107)]
    coll: Collection[int] = Collection(10**12, lambda i: i, fields, seed=9, name="wide").at(BIG)
    period = 101 * 103 * 107
    misses = Fraction(1)
    for f in fields:
        pattern = coll.pattern(f.name)
        misses *= 1 - Fraction(pattern.count("x"), len(pattern))
    union = [{f.name: ["x"]} for f in fields]
    # any window of a whole number of joint periods holds the same number of matches
    for start in (0, 12_345, 10**12 - 3 * period):
        assert coll.count(union, start=start, stop=start + 3 * period) == 3 * period * (1 - misses)


def test_a_deep_page_far_along_the_positions() -> None:
    trillion = 10**12
    coll = view(base(trillion, spacing=timedelta(milliseconds=1)), 10**13)
    page = coll.page(trillion - 20, 20)
    assert page.indices == list(range(trillion - 20, trillion)) and page.more is False
    assert [row.position for row in page.items] == [10**13 + i for i in page.indices]
    assert page.items[-1] == coll.get(trillion - 1)
    filters = [{"status": ["COMPLETED"]}, {"status": ["RUNNING", "PENDING"], "fate": ["COMPLETED"]}]
    lo, hi = trillion - 20_000, trillion - 19_000
    expected = [i for i in range(lo, hi) if accepts(coll.get(i), filters)]
    assert coll.count(filters, start=lo, stop=hi) == len(expected)
    window = coll.page(0, 1000, filters, start=lo, stop=hi)
    assert window.indices == expected and window.total == len(expected)
    total = coll.count(filters)
    last = coll.page(total - 5, 10, filters)
    assert len(last.indices) == 5 and last.more is False
    assert coll.count(filters, stop=last.indices[0]) == total - 5  # the rank of the first is the offset
    assert [i for i in range(last.indices[0], trillion) if accepts(coll.get(i), filters)] == last.indices
    at = coll.time(trillion - 500)
    assert coll.index_range(at, at) == (trillion - 500, trillion - 499)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.at(-1), "shift must be an integer >= 0, not -1"),
        (lambda c: c.at(True), "shift must be an integer >= 0, not True"),
        (lambda c: c.at(1, "2026-01-01"), "anchor must be a datetime"),
        (lambda c: c.count(start=-1), "start must be an integer >= 0, not -1"),
        (lambda c: c.page(0, 5, stop=-2), "stop must be an integer >= 0, not -2"),
        (lambda c: c.count(["status"]), "filters[0] must be a mapping"),
        (lambda c: c.count("status"), "filters must be a mapping"),
        (lambda c: c.count([{"status": "RUNNING"}, {"colour": ["red"]}]), "unknown filter field 'colour'"),
        (lambda c: c.page(0, 5, [{}, {"status": ["SLEEPING"]}]), "unknown value 'SLEEPING' for filter 'status'"),
    ],
)
def test_bad_arguments_raise_clear_errors(call: Callable[[Collection[Row]], object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        call(view(base(50), 7))


def test_an_anchor_needs_a_timeline() -> None:
    coll: Collection[int] = Collection(10, lambda i: i, FIELDS, name="flat")
    assert coll.at(4).field_value("status", 0) == coll.field_value("status", 4)
    with pytest.raises(ValueError, match="collection 'flat' has no timeline"):
        coll.at(4, ANCHOR)
