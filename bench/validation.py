"""What checking a response costs: openapi-core through SpecValidator, as `specmock serve --validate` does it,
against what producing that response costs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from functools import partial

from bench import budget, offsets, osmo_app, osmo_calls
from bench.report import Table, ratio
from bench.targets import Measured
from bench.timing import medians
from specmock.spec.verdicts import SpecValidator

TOTAL = 10**12
NAMES = 1000  # details produced in turn: each a different workflow


def measure() -> Measured:
    """Median time to validate a workflow list page of 20 and a workflow detail, and to produce each."""
    validator = osmo_app.validator()
    runs = budget.current().medians
    plan = offsets.unique("list", TOTAL)
    listed = json.loads(osmo_calls.answer(osmo_calls.LIST, {"all_users": True, "limit": NAMES}, TOTAL))
    names = [entry["name"] for entry in listed["workflows"]]
    cases = [
        (
            "GET /api/workflow (list of 20)",
            (offsets.LIST, [("all_users", "true"), ("limit", "20"), ("offset", str(plan.offset(0)))]),
            _in_turn(osmo_calls.LIST, [osmo_calls.list_params(plan.offset(n)) for n in range(runs + 1)]),
        ),
        (
            "GET /api/workflow/{name} (detail)",
            (f"{offsets.LIST}/{names[0]}", []),
            _in_turn(osmo_calls.DETAIL, [{"name": name} for name in names]),
        ),
    ]
    table = Table(
        f"Response validation (SpecValidator.response_violations, openapi-core, in-process, median of {runs})",
        ("response", "body", "validate", "produce", "validate / produce"),
    )
    for label, (path, query), produce in cases:
        body = produce()  # the first answer: the one validated
        broken = validator.response_violations("GET", path, query, 200, osmo_calls.MEDIA, body)
        if broken:
            raise RuntimeError(f"{label} does not conform: {'; '.join(map(str, broken[:3]))}")
        check, made = medians([partial(_check, validator, path, query, body), produce], runs)
        row = (label, f"{len(body):,} B", f"{check * 1e3:.2f} ms", f"{made * 1e3:.2f} ms")
        table.rows.append((*row, ratio(check, made)))
    table.notes.append(
        "Validate is the check `specmock serve --validate strict` adds to each answer, called as the dispatcher "
        "calls it; produce is the registered generator with a fresh Context plus to_bytes, a different list page "
        "or workflow each time. Both answers conform."
    )
    return Measured([table])


def _check(validator: SpecValidator, path: str, query: list[tuple[str, str]], body: bytes) -> object:
    return validator.response_violations("GET", path, query, 200, osmo_calls.MEDIA, body)


def _in_turn(operation_id: str, params: list[dict[str, object]]) -> Callable[[], bytes]:
    """A call answering the parameter sets in turn, wrapping around."""
    cycle = itertools.cycle(params)
    return lambda: osmo_calls.answer(operation_id, next(cycle), TOTAL)
