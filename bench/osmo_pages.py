"""OSMO list pages in-process through the real generator: deep and filtered pages vs page 0.

Each call is `list_workflows` with a fresh Context and to_bytes, as the dispatcher runs it, at a
different offset of its window every time (as served, so that no kept answer could be reused).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from bench import budget, offsets, osmo_calls, targets
from bench.offsets import LIMIT, Plan
from bench.report import Table, ratio
from bench.targets import Measured, Outcome
from bench.timing import medians


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def _pages(total: int, plan: Plan, filters: dict[str, list[str]]) -> Callable[[], bytes]:
    """A call producing the plan's next page each time; first checks the pages at the window's ends are full."""

    def page(offset: int) -> bytes:
        return osmo_calls.answer(osmo_calls.LIST, osmo_calls.list_params(offset, **filters), total)

    for offset in (plan.base, plan.base + plan.modulus - 1):
        entries = json.loads(page(offset))["workflows"]
        if len(entries) != LIMIT:
            raise RuntimeError(f"{plan.label} at {total:,}: offset {offset} has {len(entries)} entries, not {LIMIT}")
    numbers = itertools.count()
    return lambda: page(plan.offset(next(numbers)))


def measure() -> Measured:
    """GET /api/workflow near the top and at the end of 10^12, and with statuses and pools at 10^9."""
    runs = budget.current().medians
    first_page = json.loads(osmo_calls.answer(osmo_calls.LIST, osmo_calls.list_params(0), 10**9))
    pool = first_page["workflows"][0]["pool"]
    query = f"statuses=RUNNING&pools={pool}"
    filters: dict[str, Any] = {"statuses": ["RUNNING"], "pools": [pool]}
    cases = [
        (10**12, offsets.first_pages(), {}),
        (10**12, offsets.last_pages(10**12), {}),
        (10**9, offsets.first_pages(), {}),
        (10**9, offsets.first_pages(query), filters),
        (10**9, offsets.first_pages(query, low=1_000_000), filters),
    ]
    top, deep, unfiltered, first, later = medians([_pages(*case) for case in cases], runs)
    table = Table(
        f"Deep and filtered pages in-process (list_workflows + to_bytes, limit 20, a different offset each call, "
        f"median of {runs})",
        ("requests", "workflows", "per page", "ratio", "target"),
    )
    deep_goal, filtered_goal = f"<= {targets.DEEP_RATIO:g}x", f"<= {targets.FILTERED_RATIO:g}x"
    labels = [plan.label for _, plan, _ in cases]
    table.rows += [
        (labels[0], "10^12", _ms(top), "", ""),
        (labels[1], "10^12", _ms(deep), ratio(deep, top), deep_goal),
        (labels[2], "10^9", _ms(unfiltered), "", ""),
        (labels[3], "10^9", _ms(first), ratio(first, unfiltered), filtered_goal),
        (labels[4], "10^9", _ms(later), ratio(later, unfiltered), filtered_goal),
    ]
    table.notes.append(
        "The generator registered for GET /api/workflow, called with the parameters its route parses; every page "
        "holds 20 entries (checked at both ends of each window). RUNNING is exact: a union of lifecycle pieces "
        "paged window by window."
    )
    worst = max(first, later) / unfiltered
    return Measured(
        [table],
        [
            Outcome(targets.DEEP, f"{deep / top:.2f}x (in-process)", deep / top <= targets.DEEP_RATIO),
            Outcome(targets.FILTERED, f"{worst:.2f}x (in-process, worse of two)", worst <= targets.FILTERED_RATIO),
        ],
    )
