"""Cold start of `specmock serve`: process start to its first 200.

Measured as users start it: Python keeps compiled bytecode (.pyc) after the first run, so the
timed starts follow one untimed start that writes it. Where PYTHONDONTWRITEBYTECODE is set (this
sandbox sets it) every start compiles every module from source; that start is shown as well.
"""

from __future__ import annotations

import os
import statistics

from bench import budget, servers, targets
from bench.report import Table
from bench.targets import Measured, Outcome

PROBE = "/api/pool?all_pools=true"
GOAL = f"<= {targets.COLD_SECONDS:g} s"


def _starts(runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        with servers.specmock(env=env) as server:
            times.append(server.wait_ready(PROBE))
    return times


def measure() -> Measured:
    """Median and worst of a few starts, each a fresh process polling PROBE until it answers 200."""
    runs = budget.current().cold_runs
    usual = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _starts(1, usual)  # writes the bytecode, as a user's first start does
    cached = _starts(runs, usual)
    source = _starts(runs, {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    median = statistics.median(cached)
    table = Table(
        f"Cold start of specmock serve (process start to the first 200 of GET {PROBE}, {runs} run{'s' * (runs != 1)})",
        ("what", "median", "worst", "target"),
        [
            (
                "python -m specmock serve, bytecode kept (as after a first start)",
                f"{median:.2f} s",
                f"{max(cached):.2f} s",
                GOAL,
            ),
            (
                "the same, every module compiled from source (PYTHONDONTWRITEBYTECODE=1)",
                f"{statistics.median(source):.2f} s",
                f"{max(source):.2f} s",
                "info",
            ),
        ],
    )
    return Measured([table], [Outcome(targets.COLD, f"{median:.2f} s", median <= targets.COLD_SECONDS)])
