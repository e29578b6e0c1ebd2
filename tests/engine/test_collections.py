"""Infinite collections: exact counts and pages against brute force, at any offset and total."""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from specmock.engine.collections import (
    MAX_JOINT_PERIOD,
    Categorical,
    Collection,
    Page,
    Timeline,
    apportion,
    choose_periods,
)

ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
TRILLION = 10**12

STATUS = Categorical(
    "status", [("RUNNING", 3), ("PENDING", 1), ("COMPLETED", 5), ("FAILED", 0.5), ("CANCELED", 0.2), ("LOST", 0)]
)
POOL = Categorical("pool", [(f"pool-{i}", 1 / (i + 1)) for i in range(6)])
PRIORITY = Categorical("priority", [("LOW", 1), ("NORMAL", 4), ("HIGH", 1)])
FIELDS = (STATUS, POOL, PRIORITY)


@dataclass(frozen=True)
class Row:
    index: int
    status: str
    pool: str
    priority: str
    at: datetime
    name: str


def make(total: int, seed: int = 11, fields: Sequence[Categorical] = FIELDS) -> Collection[Row]:
    # a trillion items 90 s apart would reach back before year 1; 1 ms apart they span 32 years
    spacing = timedelta(seconds=90) if total < TRILLION else timedelta(milliseconds=1)

    def item(i: int) -> Row:
        return Row(
            i,
            coll.field_value("status", i),
            coll.field_value("pool", i),
            coll.field_value("priority", i),
            coll.time(i),
            f"job-{i:06d}",
        )

    coll: Collection[Row] = Collection(
        total,
        item,
        fields,
        seed=seed,
        name="jobs",
        timeline=Timeline(ANCHOR, spacing, jitter=0.9),
        texts={"name": lambda i: f"Job-{i:06d}", "owner": lambda i: f"user{i % 13}"},
    )
    return coll


Filters = Mapping[str, Sequence[str]]


def matches(coll: Collection[Row], i: int, filters: Filters, after: datetime | None, before: datetime | None) -> bool:
    for field, accepted in filters.items():
        if accepted and coll.field_value(field, i) not in accepted:
            return False
    at = coll.time(i)
    return (after is None or at >= after) and (before is None or at <= before)


def brute(
    coll: Collection[Row], filters: Filters, after: datetime | None = None, before: datetime | None = None
) -> list[int]:
    return [i for i in range(coll.total) if matches(coll, i, filters, after, before)]


def expected_page(ordered: list[int], offset: int, limit: int) -> tuple[list[int], bool]:
    return ordered[offset : offset + limit], offset + limit < len(ordered)


def check_pages(
    coll: Collection[Row],
    expected: list[int],
    filters: Filters,
    after: datetime | None = None,
    before: datetime | None = None,
) -> None:
    n = len(expected)
    for order in ("DESC", "ASC"):
        ordered = expected if order == "DESC" else expected[::-1]
        for limit in (0, 1, 7, 50):
            offsets = {0, 1, n // 2, max(0, n - limit), max(0, n - 1), n, n + 3}
            for offset in sorted(offsets):
                page = coll.page(offset, limit, filters, order=order, after=after, before=before)
                indices, more = expected_page(ordered, offset, limit)
                where = f"{order} offset={offset} limit={limit} {filters} {after} {before}"
                assert page.indices == indices, where
                assert [row.index for row in page.items] == indices, where
                assert page.total == n, where
                assert page.more is more, where
                assert page.total_exact
                assert (page.offset, page.limit) == (offset, limit)


FILTER_CASES: list[Filters] = [
    {},
    {"status": ["RUNNING"]},
    {"status": ["FAILED", "CANCELED"]},
    {"status": ["LOST"]},
    {"status": []},
    {"pool": ["pool-5"]},
    {"status": ["RUNNING", "PENDING"], "pool": ["pool-0", "pool-3"]},
    {"status": ["COMPLETED"], "pool": ["pool-1"], "priority": ["HIGH"]},
    {"status": ["RUNNING", "PENDING", "COMPLETED", "FAILED", "CANCELED", "LOST"], "priority": ["LOW"]},
]


@pytest.mark.parametrize("total", [0, 1, 7, 1000, 5000])
@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: ",".join(f"{k}={'|'.join(v)}" for k, v in f.items()))
def test_counts_and_pages_match_brute_force(total: int, filters: Filters) -> None:
    coll = make(total)
    expected = brute(coll, filters)
    assert coll.count(filters) == len(expected)
    check_pages(coll, expected, filters=filters)


@pytest.mark.parametrize("total", [0, 1, 7, 1000, 5000])
def test_time_ranges_combine_exactly_with_filters(total: int) -> None:
    coll = make(total)
    span = coll.time(0) - coll.time(max(0, total - 1))
    ranges = [
        (None, None),
        (ANCHOR - span / 3, None),
        (None, ANCHOR - span / 2),
        (ANCHOR - span * 0.8, ANCHOR - span * 0.1),
        (coll.time(min(3, max(0, total - 1))), coll.time(min(3, max(0, total - 1)))),  # one exact instant
        (ANCHOR + timedelta(days=1), None),  # after every item
        (None, ANCHOR - timedelta(days=10**4)),  # before every item
        (ANCHOR - timedelta(hours=1), ANCHOR - timedelta(hours=2)),  # reversed: empty
    ]
    for after, before in ranges:
        for filters in (FILTER_CASES[0], FILTER_CASES[2], FILTER_CASES[6]):
            expected = brute(coll, filters, after, before)
            assert coll.count(filters, after=after, before=before) == len(expected), (after, before, filters)
            check_pages(coll, expected, filters=filters, after=after, before=before)


def test_time_bounds_are_inclusive_to_the_microsecond() -> None:
    coll = make(100)
    at = coll.time(40)
    assert coll.index_range(after=at, before=at) == (40, 41)
    tick = timedelta(microseconds=1)
    assert coll.index_range(after=at + tick, before=at + tick) == (40, 40)
    assert coll.index_range(after=at, before=None) == (0, 41)
    assert coll.index_range(after=None, before=at - tick) == (41, 100)
    naive = at.replace(tzinfo=None)
    assert coll.index_range(after=naive, before=naive) == (40, 41)


def test_times_strictly_decrease_with_jitter() -> None:
    coll = make(3000)
    times = [coll.time(i) for i in range(3000)]
    assert all(a > b for a, b in itertools.pairwise(times))
    gaps = {a - b for a, b in itertools.pairwise(times)}
    assert len(gaps) > 100  # jittered, not a fixed step
    assert times[0] <= ANCHOR


@pytest.mark.parametrize(
    "fields",
    [
        (
            Categorical("a", [("x", 1), ("y", 2), ("z", 1)], period=67),
            Categorical("b", [("p", 1), ("q", 3)], period=71),
        ),
        (
            Categorical("a", [("x", 1), ("y", 1), ("z", 1)], period=6),
            Categorical("b", [("p", 1), ("q", 1), ("r", 2)], period=4),
        ),
        (Categorical("a", [("x", 1), ("y", 2), ("z", 1)]), Categorical("b", [("p", 1), ("q", 3)])),
    ],
    ids=["multi-block", "shared-factor", "automatic"],
)
def test_pages_wrap_around_the_joint_period(fields: Sequence[Categorical]) -> None:
    total = 20_000
    coll = Collection(total, lambda i: i, fields, seed=5, name="wrap")
    values = {f.name: [coll.field_value(f.name, i) for i in range(total)] for f in fields}
    for filters in ({"a": ["x"]}, {"a": ["x", "z"], "b": ["p"]}, {"b": ["q"], "a": ["y"]}):
        expected = [i for i in range(total) if all(values[k][i] in v for k, v in filters.items())]
        assert coll.count(filters) == len(expected)
        for offset in (0, 1, 999, 4000, 4756, max(0, len(expected) - 300)):
            assert coll.page(offset, 300, filters).indices == expected[offset : offset + 300]
            assert coll.page(offset, 300, filters, order="ASC").indices == expected[::-1][offset : offset + 300]


def test_patterns_follow_the_weights_within_one_slot() -> None:
    coll = make(10)
    for spec in (*FIELDS, Categorical("user", [(f"u{i}", 1 / (i + 1)) for i in range(40)])):
        bound = Collection(1, lambda i: i, [spec], seed=3, name="p")
        pattern = bound.pattern(spec.name)
        period = len(pattern)
        whole = sum(w for _, w in spec.weights)
        for value, weight in spec.weights:
            share = Fraction(pattern.count(value), period) - Fraction(weight) / Fraction(whole)
            assert abs(share) < Fraction(1, period), (spec.name, value)
            if weight > 0:
                assert pattern.count(value) >= 1
            else:
                assert pattern.count(value) == 0
    for i in (0, 1, 12345, TRILLION - 1):
        for spec in FIELDS:
            pattern = coll.pattern(spec.name)
            assert coll.field_value(spec.name, i) == pattern[i % len(pattern)]


def test_automatic_periods_are_coprime_and_explicit_ones_kept() -> None:
    fields = [*FIELDS, Categorical("user", [(f"u{i}", 1) for i in range(50)]), Categorical("k", [("a", 1)], period=35)]
    periods = choose_periods(fields)
    assert periods[-1] == 35
    for i, p in enumerate(periods):
        for q in periods[i + 1 :]:
            assert math.gcd(p, q) == 1
    assert periods[3] >= 100  # at least two slots per value


def test_apportion_is_exact_and_fair() -> None:
    assert apportion([1, 1, 1], 10) == [4, 3, 3]
    assert apportion([0, 1], 5) == [0, 5]
    counts = apportion([0.1, 0.2, 0.7], 97)
    assert sum(counts) == 97
    assert all(abs(c - 97 * w) < 1 for c, w in zip(counts, [0.1, 0.2, 0.7], strict=True))


def test_a_deep_page_of_a_trillion_items() -> None:
    coll = make(TRILLION)
    page = coll.page(TRILLION - 20, 20)
    assert page.indices == list(range(TRILLION - 20, TRILLION))
    assert page.total == TRILLION and page.more is False
    assert [row.index for row in page.items] == page.indices
    assert page.items[-1] == coll.get(TRILLION - 1)
    assert page.items[0].status == coll.field_value("status", TRILLION - 20)
    oldest = coll.page(0, 20, order="ASC")
    assert oldest.indices == list(range(TRILLION - 1, TRILLION - 21, -1))
    assert oldest.more is True
    assert oldest.items[0] == page.items[-1]
    middle = coll.page(TRILLION // 2, 5)
    assert middle.indices == list(range(TRILLION // 2, TRILLION // 2 + 5))
    assert coll.page(TRILLION, 5).indices == []
    assert coll.page(TRILLION - 3, 5, order="ASC").indices == [2, 1, 0]


def joint_count(coll: Collection[Row], filters: Filters, below: int) -> int:
    """Matches below `below`, by arithmetic over the joint period of the patterns (no table)."""
    patterns = {field: coll.pattern(field) for field in filters}
    period = math.lcm(*(len(p) for p in patterns.values()))

    def hit(i: int) -> bool:
        return all(p[i % len(p)] in filters[f] for f, p in patterns.items())

    per_period = sum(hit(i) for i in range(period))
    cycles, rest = divmod(below, period)
    return cycles * per_period + sum(hit(i) for i in range(rest))


def test_filtered_counts_of_a_trillion_items_are_exact() -> None:
    coll = make(TRILLION)
    for value, weight in STATUS.weights:
        pattern = coll.pattern("status")
        expected = (TRILLION // len(pattern)) * pattern.count(value) + pattern[: TRILLION % len(pattern)].count(value)
        assert coll.count({"status": [value]}) == expected
        whole = sum(w for _, w in STATUS.weights)
        assert abs(expected - TRILLION * weight / whole) <= TRILLION / len(pattern) + 1
    combined = {"status": ["RUNNING"], "pool": ["pool-2", "pool-4"]}
    assert coll.count(combined) == joint_count(coll, combined, TRILLION)
    # coprime periods: a combination's share is exactly the product of the shares
    status, pool = coll.pattern("status"), coll.pattern("pool")
    share = Fraction(status.count("RUNNING"), len(status)) * Fraction(
        pool.count("pool-2") + pool.count("pool-4"), len(pool)
    )
    period = len(status) * len(pool)
    assert coll.count(combined) == (TRILLION // period) * share * period + joint_count(
        coll, combined, TRILLION % period
    )


@pytest.mark.parametrize(
    "filters",
    [{"status": ["FAILED"]}, {"status": ["RUNNING"], "pool": ["pool-5"]}, {"pool": ["pool-1"], "priority": ["HIGH"]}],
)
def test_filtered_deep_pages_of_a_trillion_items_are_exact(filters: Filters) -> None:
    coll = make(TRILLION)
    total = coll.count(filters)
    for offset in (0, total // 3, total - 20):
        page = coll.page(offset, 20, filters)
        assert page.total == total
        assert len(page.indices) == 20
        assert page.indices == sorted(page.indices)
        first = page.indices[0]
        assert joint_count(coll, filters, first) == offset  # the rank of the first item is the offset
        assert page.indices[-1] - first < 20 * 10_000
        between = [i for i in range(first, page.indices[-1] + 1) if matches(coll, i, filters, None, None)]
        assert between == page.indices
        assert all(row == coll.get(row.index) for row in page.items)
    last = coll.page(total - 20, 20, filters)
    assert last.more is False
    assert [
        i
        for i in range(last.indices[-1] + 1, TRILLION)
        if i > TRILLION - 5000 and matches(coll, i, filters, None, None)
    ] == []
    newest_first = coll.page(0, 5, filters)
    oldest_first = coll.page(total - 5, 5, filters, order="ASC")
    assert oldest_first.indices == newest_first.indices[::-1]


def test_time_range_on_a_trillion_items() -> None:
    coll = make(TRILLION)
    after = coll.time(600_000_000_000) + timedelta(microseconds=1)
    before = coll.time(400_000_000_000)
    lo, hi = coll.index_range(after, before)
    assert (lo, hi) == (400_000_000_000, 600_000_000_000)
    filters = {"status": ["RUNNING"], "priority": ["LOW"]}
    total = coll.count(filters, after=after, before=before)
    assert total == joint_count(coll, filters, hi) - joint_count(coll, filters, lo)
    page = coll.page(total - 3, 10, filters, after=after, before=before)
    assert len(page.indices) == 3 and page.more is False
    assert all(after <= row.at <= before and row.status == "RUNNING" for row in page.items)
    asc = coll.page(0, 3, filters, order="ASC", after=after, before=before)
    assert asc.indices == page.indices[::-1]


def test_substring_filter_is_exact_when_the_scan_covers_everything() -> None:
    coll = make(1000)
    for filters in ({}, {"status": ["RUNNING", "COMPLETED"]}):
        expected = [i for i in brute(coll, filters) if i % 13 == 3]
        contains = {"name": "JOB-", "owner": "User3"}
        for order in ("DESC", "ASC"):
            digits = {"name": "7"}
            ordered = [i for i in brute(coll, filters) if "7" in f"{i:06d}"]
            ordered = ordered if order == "DESC" else ordered[::-1]
            for offset, limit in ((0, 10), (5, 50), (len(ordered) - 4, 10), (len(ordered), 5)):
                page = coll.page(offset, limit, filters, order=order, contains=digits, scan_limit=5000)
                assert page.indices == ordered[offset : offset + limit]
                assert page.more is (offset + limit < len(ordered))
                if page.more:
                    assert page.total >= offset + limit + 1 and not page.total_exact
                else:
                    assert page.total == len(ordered) and page.total_exact
        both = coll.page(0, 1000, filters, contains=contains)
        assert both.indices == expected and both.total == len(expected) and both.total_exact


def test_substring_filter_with_a_bounded_scan_reports_a_lower_bound() -> None:
    coll = make(TRILLION)
    seen: list[int] = []
    offset = 0
    while True:  # paging this way always ends
        page = coll.page(offset, 7, contains={"name": "9"}, scan_limit=100)
        seen += page.indices
        assert not page.total_exact
        if not page.more:
            break
        offset += 7
    expected = [i for i in range(100) if "9" in f"{i:06d}"]
    assert seen == expected
    assert coll.page(0, 100, contains={"name": "9"}, scan_limit=100).total == len(expected)
    asc = coll.page(0, 3, contains={"name": "Job-9"}, order="ASC", scan_limit=50)
    assert asc.indices == [TRILLION - 1, TRILLION - 2, TRILLION - 3]
    assert coll.page(0, 5, contains={"name": "no such text"}, scan_limit=200).indices == []
    assert coll.page(0, 5, contains={"name": ""}).total == TRILLION  # an empty needle is no filter


def test_single_string_filter_values() -> None:
    coll = make(500)
    assert coll.count({"status": "RUNNING"}) == coll.count({"status": ["RUNNING"]})


def test_same_seed_same_results_other_seed_differs() -> None:
    a, b, c = make(10**9, seed=1), make(10**9, seed=1), make(10**9, seed=2)
    query = {"status": ["FAILED"], "pool": ["pool-3"]}
    assert a.pattern("status") == b.pattern("status")
    assert a.page(12345, 10, query).indices == b.page(12345, 10, query).indices
    assert a.page(12345, 10, query).items == b.page(12345, 10, query).items
    assert a.pattern("status") != c.pattern("status")
    assert a.page(12345, 10, query).indices != c.page(12345, 10, query).indices
    assert [a.time(i) for i in range(50)] != [c.time(i) for i in range(50)]


PROCESS_SAMPLE = """
import json
from specmock.engine.collections import Categorical, Collection
fields = [Categorical("s", [("a", 3), ("b", 1), ("c", 0.3)])]
fields.append(Categorical("u", [(f"u{i}", 1 / (i + 1)) for i in range(30)]))
coll = Collection(10**12, lambda i: i, fields, seed=99, name="x")
print(json.dumps([coll.pattern("s"), coll.count({"s": ["c"], "u": ["u7"]}), coll.page(10**11, 10, {"s": "c"}).indices]))
"""


@pytest.mark.slow
def test_same_results_in_processes_with_different_hash_seeds() -> None:
    outputs = []
    for hash_seed in ("0", "31337"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-c", PROCESS_SAMPLE], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]


def test_resized_shares_the_layout() -> None:
    small = make(100)
    grown = small.resized(1000)
    assert grown.total == 1000 and small.total == 100
    assert grown.pattern("status") == small.pattern("status")
    assert grown.count({"status": ["RUNNING"]}) == len(brute(grown, {"status": ["RUNNING"]}))


def test_get_checks_the_index() -> None:
    coll = make(10)
    assert coll.get(9).index == 9
    for bad in (-1, 10):
        with pytest.raises(IndexError, match=str(bad)):
            coll.get(bad)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.page(-1, 10), "offset must be an integer >= 0, not -1"),
        (lambda c: c.page(0, -5), "limit must be an integer >= 0, not -5"),
        (lambda c: c.page(0, 5, {"colour": ["red"]}), "unknown filter field 'colour'"),
        (lambda c: c.count({"status": ["SLEEPING"]}), "unknown value 'SLEEPING' for filter 'status'"),
        (lambda c: c.page(0, 5, order="sideways"), "order must be 'ASC'"),
        (lambda c: c.page(0, 5, contains={"title": "x"}), "unknown text field 'title'"),
        (lambda c: c.page(0, 5, contains={"name": "x"}, scan_limit=-1), "scan_limit must be an integer >= 0"),
        (lambda c: c.field_value("colour", 3), "unknown filter field 'colour'"),
    ],
)
def test_bad_arguments_raise_clear_errors(call: Callable[[Collection[Row]], object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(make(100))


def test_bad_definitions_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="total must be an integer >= 0"):
        make(-1)
    with pytest.raises(ValueError, match="period 3 is too short for value 'rare'"):
        Collection(10, lambda i: i, [Categorical("f", [("common", 100), ("rare", 1)], period=3)])
    with pytest.raises(ValueError, match="lists a value twice"):
        Categorical("f", [("a", 1), ("a", 2)])
    with pytest.raises(ValueError, match="weights must be finite"):
        Categorical("f", [("a", 0)])
    with pytest.raises(ValueError, match="declares a field twice"):
        Collection(10, lambda i: i, [STATUS, STATUS])
    with pytest.raises(ValueError, match=f"over the limit {MAX_JOINT_PERIOD}"):
        Collection(
            10, lambda i: i, [Categorical(f"f{p}", [("a", 1), ("b", 1)], period=p) for p in (1009, 1013, 1019, 1021)]
        )
    no_time = Collection(10, lambda i: i, [STATUS])
    with pytest.raises(ValueError, match="has no timeline"):
        no_time.count(after=ANCHOR)
    with pytest.raises(ValueError, match="spacing"):
        Timeline(ANCHOR, timedelta(0))


def test_page_type() -> None:
    page = make(3).page(0, 2)
    assert isinstance(page, Page)
    assert page.total == 3 and page.more and len(page.items) == 2
