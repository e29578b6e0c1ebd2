"""Collection pages in-process: time per page at any offset and total, filtered or not, and peak memory."""

from __future__ import annotations

import time
import tracemalloc

from bench.report import Table, kib, ratio
from bench.timing import medians
from bench.workload import FIELDS, RARE_FILTER, Workflows
from specmock.engine.collections import Collection

LIMIT = 20
RUNS = 201


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-4 else f"{seconds * 1e6:,.0f} µs"


def page_table() -> Table:
    """Median µs per page of 20: page 0 vs the last page, small vs huge totals, filtered vs not."""
    table = Table(
        "Collection pages in-process (limit 20, median of 201)",
        ("page", "total", "per page", "ratio", "target"),
    )
    for total in (10**3, 10**12):
        pages = Workflows(total).collection
        first, last = medians(
            [
                lambda pages=pages: pages.page(0, LIMIT),
                lambda pages=pages, total=total: pages.page(total - LIMIT, LIMIT),
            ],
            RUNS,
        )
        table.rows.append(("offset 0", f"10^{len(str(total)) - 1}", _us(first), "", ""))
        table.rows.append(("offset total-20", f"10^{len(str(total)) - 1}", _us(last), ratio(last, first), "<= 1.2x"))
    pages = Workflows(10**9).collection
    start = time.perf_counter()
    matching = pages.count(RARE_FILTER)  # the first filtered call builds the table the others reuse
    build = time.perf_counter() - start
    first, filtered, deep = medians(
        [
            lambda: pages.page(0, LIMIT),
            lambda: pages.page(0, LIMIT, RARE_FILTER),
            lambda: pages.page(matching - LIMIT, LIMIT, RARE_FILTER),
        ],
        RUNS,
    )
    where = "status=FAILED_EVICTED & pool=" + RARE_FILTER["pool"]
    table.rows += [
        ("offset 0, unfiltered", "10^9", _us(first), "", ""),
        (f"offset 0, {where}", "10^9", _us(filtered), ratio(filtered, first), "<= 1.5x"),
        (f"last page, {where}", "10^9", _us(deep), ratio(deep, first), "<= 1.5x"),
    ]
    table.notes.append(
        f"The filter matches {matching:,} of 10^9 items; its table was built once, on the first filtered call, "
        f"in {build * 1000:.1f} ms (not in the medians). Ratios compare with offset 0 unfiltered at the same total."
    )
    return table


def engine_table() -> Table:
    """The same pages with item(i) = i: the collection's own cost, which realistic items hide."""
    table = Table(
        "Collection engine only (item(i) = i, same fields, limit 20, median of 501)",
        ("total", "offset 0", "last page", "filtered offset 0", "filtered last page", "filtered / offset 0"),
    )
    for total in (10**3, 10**9, 10**12):
        pages = Collection(total, lambda i: i, FIELDS, seed=0)
        matching = pages.count(RARE_FILTER)
        last = max(0, matching - LIMIT)
        first, deep, filtered, filtered_deep = medians(
            [
                lambda pages=pages: pages.page(0, LIMIT),
                lambda pages=pages, total=total: pages.page(total - LIMIT, LIMIT),
                lambda pages=pages: pages.page(0, LIMIT, RARE_FILTER),
                lambda pages=pages, last=last: pages.page(last, LIMIT, RARE_FILTER),
            ],
            501,
        )
        times = (first, deep, filtered, filtered_deep)
        table.rows.append((f"10^{len(str(total)) - 1}", *map(_us, times), ratio(filtered, first)))
    table.notes.append(
        "At 10^3 the filter matches nothing, so its pages are empty. The realistic item function costs tens of "
        "µs per item (see item generation), so in a real page these microseconds are a few per cent."
    )
    return table


def _peak(total: int, offset: int) -> int:
    pages = Workflows(total).collection
    pages.page(offset, LIMIT)  # fills the value pools and caches, which a server pays for once
    tracemalloc.start()
    try:
        pages.page(offset, LIMIT)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory_table() -> Table:
    """Peak memory (tracemalloc) of one page: a 10^12 collection needs no more than a 10^3 one."""
    small = _peak(10**3, 10**3 - LIMIT)
    huge = _peak(10**12, 10**12 - LIMIT)
    return Table(
        "Collection page memory (tracemalloc peak of one page of 20, last page)",
        ("total", "peak", "ratio"),
        [("10^3", kib(small), ""), ("10^12", kib(huge), ratio(huge, small))],
    )
