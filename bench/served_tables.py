"""Tables and target outcomes of the served runs."""

from __future__ import annotations

from bench import load, targets
from bench.offsets import LIMIT
from bench.report import Table, megabytes, ratio, yes_no
from bench.runs import Run
from bench.served import BIG, MID, Served
from bench.targets import Measured, Outcome

THROUGHPUT = (
    "server",
    "body",
    "requests",
    "requests/s",
    "vs ceiling",
    "p50",
    "p99",
    "non-200",
    "paths",
    "valid",
    "deterministic",
    "run",
)
COMPARED = (
    "requests",
    "workflows",
    "body",
    "requests/s",
    "p50",
    "time vs first",
    "target",
    "paths",
    "full pages",
    "valid",
    "deterministic",
)


def measured(served: Served) -> Measured:
    """Every served table, and the outcomes of the served targets."""
    unique, unique_outcome = _throughput(
        "Unique pages, served: GET /api/workflow?all_users=true&limit=20&offset=K, K different on every request",
        served.unique,
        targets.UNIQUE,
        targets.UNIQUE_SHARE,
    )
    repeated, repeated_outcome = _throughput(
        "Repeated pages, served: GET /api/workflow?all_users=true&limit=20&offset=0, the same request every time",
        served.repeated,
        targets.REPEATED,
        targets.REPEATED_SHARE,
    )
    unique.notes += _tool_notes() + served.notes
    deep, deep_outcome = _compared(
        "Deep pages, served (10^12 workflows, a different offset on every request)",
        served.first,
        served.deep,
        BIG,
        targets.DEEP,
        targets.DEEP_RATIO,
    )
    deep.notes.append(
        "Page 0 and the last page are each a window of offsets, every request a different one: a repeated "
        "request is answered from the response cache without paging, which would hide what depth costs."
    )
    filtered, filtered_outcome = _compared(
        "Filtered pages, served (10^9 workflows, a different offset on every request)",
        served.unfiltered,
        served.filtered,
        MID,
        targets.FILTERED,
        targets.FILTERED_RATIO,
    )
    memory, memory_outcome = _memory(served)
    outcomes = [unique_outcome, repeated_outcome, deep_outcome, filtered_outcome, memory_outcome]
    return Measured([unique, repeated, deep, filtered, memory], outcomes)


def _throughput(title: str, runs: list[Run], target: targets.Target, share: float) -> tuple[Table, Outcome]:
    """specmock, the ceiling and Prism on one plan; the outcome is specmock's share of the ceiling."""
    mine, ceiling = runs[0], runs[1]
    table = Table(title, THROUGHPUT)
    for run in runs:
        requests, rate, p50, p99, errors = run.numbers()
        vs = ratio(run.rate, ceiling.rate)
        row = (run.server, f"{run.check.size:,} B", requests, rate, vs, p50, p99, errors, run.paths(), *run.checks())
        table.rows.append((*row, run.verdict()))
    failure = mine.failure or ceiling.failure
    if failure is not None:
        return table, targets.failed(target, failure)
    share_now = mine.rate / ceiling.rate
    return table, Outcome(target, f"{share_now:.0%} of the ceiling (served)", share_now >= share)


def _compared(
    title: str, first: Run, second: Run, total: int, target: targets.Target, bound: float
) -> tuple[Table, Outcome]:
    """Two runs on one server, the second's time per request as a multiple of the first's."""
    table = Table(title, COMPARED)
    for run in (first, second):
        slower, goal = ("", "") if run is first else (ratio(first.rate, run.rate), f"<= {bound:g}x")
        label = run.plan.label if run.failure is None else f"{run.plan.label} ({run.verdict()})"
        _, rate, p50, _, _ = run.numbers()
        row = (label, _power(total), f"{run.check.size:,} B", rate, p50, slower, goal, run.paths())
        table.rows.append((*row, yes_no(_full(run)), *run.checks()))
    failure = first.failure or second.failure
    if failure is None and not (_full(first) and _full(second)):
        failure = f"pages of fewer than {LIMIT} entries"
    if failure is not None:
        return table, targets.failed(target, failure)
    times = first.rate / second.rate
    return table, Outcome(target, f"{times:.2f}x (served)", times <= bound)


def _memory(served: Served) -> tuple[Table, Outcome]:
    """VmRSS of the 10^3 and 10^12 servers, idle and after the same unique-pages load."""
    table = Table(
        "Memory of specmock serve (VmRSS, the same unique-pages load on each)",
        ("workflows", "after first answer", "after load", "load", "target", "run"),
    )
    for memory in served.memory:
        load_cell = f"{memory.run.load.requests:,} requests, paths {memory.run.paths()}"
        row = (_power(memory.total), _mb(memory.idle_kib), _mb(memory.after_kib), load_cell)
        table.rows.append((*row, f"<= {targets.RSS_MB:g} MB", memory.run.verdict()))
    small, big = served.memory[0], served.memory[-1]
    table.notes.append(
        f"Flat means the 10^12 server within {targets.RSS_FLAT - 1:.0%} of the 10^3 one after load. "
        "The 10^3 collection has 981 full pages, so its offsets cycle."
    )
    failure = small.run.failure or big.run.failure
    if failure is not None:
        return table, targets.failed(targets.RSS, failure)
    top = max(megabytes(small.after_kib), megabytes(big.after_kib))
    growth = big.after_kib / small.after_kib
    met = top <= targets.RSS_MB and growth <= targets.RSS_FLAT
    return table, Outcome(targets.RSS, f"{top:.0f} MB at most, 10^12 / 10^3 = {growth:.2f}x", met)


def _full(run: Run) -> bool:
    """Every sample page held LIMIT entries: a short page costs less and would flatter the ratio."""
    return bool(run.check.entries) and min(run.check.entries) == LIMIT


def _power(total: int) -> str:
    return f"10^{len(str(total)) - 1}"


def _mb(n_kib: int) -> str:
    return f"{megabytes(n_kib):.0f} MB"


def _tool_notes() -> list[str]:
    notes = [
        f"Load: {load.tool()}. Each server runs alone, one after the other, in uvicorn with the same settings; "
        "the ceiling answers prebuilt bytes of the mean size of specmock's pages for that plan. Before each run a "
        "few of exactly its requests are fetched twice: `valid` is openapi-core's verdict on them "
        "(SpecValidator), `deterministic` that both fetches were byte-identical. A run whose samples are not 200 "
        "or not valid, or that had errors under load, is FAILED and its target not met."
    ]
    if not load.wrk_installed():
        notes.append(
            "wrk is not in use: the Python generator shares the cores and tops out at a few hundred requests/s, "
            "so the ceiling rows measure the client and the ratios are upper bounds."
        )
    return notes
