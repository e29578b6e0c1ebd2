"""The collection engine alone (item(i) = i): what paging and filtering cost before any item is built."""

from __future__ import annotations

from bench import budget
from bench.report import Table, ratio
from bench.timing import medians
from specmock.engine.collections import Categorical, Collection

LIMIT = 20
# three enum fields shaped like a workflow list's: a skewed status, a long tail of pools, a priority
STATUSES = (("RUNNING", 20), ("COMPLETED", 35), ("PENDING", 7), ("FAILED", 6), ("FAILED_EVICTED", 2))
POOLS = tuple((f"pool-{k:02d}", 50.0 / (k + 1)) for k in range(50))
FIELDS = (
    Categorical("status", STATUSES),
    Categorical("pool", POOLS),
    Categorical("priority", (("HIGH", 15), ("NORMAL", 70), ("LOW", 15))),
)
RARE_FILTER = {"status": "FAILED_EVICTED", "pool": "pool-07"}  # a rare status in a mid-sized pool


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-4 else f"{seconds * 1e6:,.0f} µs"


def measure() -> Table:
    """Median µs per page of 20 with item(i) = i: page 0, the last page, and a rare filter, at three totals."""
    runs = budget.current().engine_medians
    table = Table(
        f"Collection engine only (item(i) = i, three enum fields, limit 20, median of {runs})",
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
            runs,
        )
        times = (first, deep, filtered, filtered_deep)
        table.rows.append((f"10^{len(str(total)) - 1}", *map(_us, times), ratio(filtered, first)))
    table.notes.append(
        "The collection's own cost, which real items hide: the OSMO generator spends tens of µs per entry "
        "(see the generation table), so in a real page these microseconds are a few per cent."
    )
    return table
