"""Workflow list entries per second in-process on one core, through the real OSMO generator.

The list is timed as `list_workflows` builds it: a `Workflows` view from `workflows(ctx)`, then
`page(...)` and `list_entry(...)` for pages of 20 at offsets that differ on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import budget, offsets, osmo_calls, targets
from bench.report import Table
from bench.targets import Measured, Outcome
from bench.timing import rate
from specmock.server.serialize import to_bytes

TOTAL = 10**12
MEDIA = osmo_calls.MEDIA


def list_pages(total: int = TOTAL) -> tuple[Callable[[int], list[dict[str, Any]]], Callable[[int], bytes]]:
    """(page k as list entries, page k as response bytes) through the OSMO generator, k-th unique offset."""
    # imported here: importing the OSMO generators loads the whole mock, which the other steps need not pay for
    from specmock_apis.osmo.api.workflow import list_entry, list_filters  # noqa: PLC0415
    from specmock_apis.osmo.data.workflows import workflows  # noqa: PLC0415

    ctx = osmo_calls.context(osmo_calls.LIST, {"all_users": True, "limit": offsets.LIMIT}, total)
    view = workflows(ctx)
    filters = list_filters(ctx, view) or {}
    plan = offsets.unique("in-process", total)

    def entries(k: int) -> list[dict[str, Any]]:
        items, _more = view.page(plan.offset(k), offsets.LIMIT, filters, None)
        return [list_entry(wf) for wf in items]

    def encoded(k: int) -> bytes:
        items, more = view.page(plan.offset(k), offsets.LIMIT, filters, None)
        return to_bytes({"workflows": [list_entry(wf) for wf in items], "more_entries": more}, MEDIA)

    return entries, encoded


def item_measure() -> Measured:
    """Workflow list entries per second: the generator alone, and with to_bytes as the server answers."""
    seconds = budget.current().rate_seconds
    entries, encoded = list_pages()
    if len(entries(0)) != offsets.LIMIT:
        raise RuntimeError(f"a page of the OSMO generator holds {len(entries(0))} entries, not {offsets.LIMIT}")
    bare = rate(entries, seconds, batch=10) * offsets.LIMIT
    served = rate(encoded, seconds, batch=10) * offsets.LIMIT
    goal = f">= {targets.ENTRIES_PER_SECOND:,}"
    table = Table(
        "OSMO workflow list generation in-process (10^12 workflows, pages of 20 at unique offsets, one core)",
        ("what", "entries/s", "target"),
        [
            ("Workflows.page + list_entry", f"{bare:,.0f}", goal),
            ("Workflows.page + list_entry + serialize.to_bytes", f"{served:,.0f}", "info"),
        ],
        ["The view is built once, as `workflows(ctx)` builds it per request; one page is 20 entries."],
    )
    measured = f"{bare:,.0f} entries/s ({served:,.0f} with to_bytes)"
    return Measured([table], [Outcome(targets.RATE, measured, bare >= targets.ENTRIES_PER_SECOND)])
