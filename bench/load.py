"""Load on a loopback server: wrk when installed, else a bounded Python generator; both follow a Plan.

Every run is bounded twice: by its duration and by a request cap (budget.max_requests).
BENCH_LOAD=python forces the Python generator where wrk is installed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import urllib.parse
from dataclasses import dataclass

from bench import budget
from bench.offsets import Plan

CONNECTIONS = 32
THREADS = 2
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass
class Load:
    """What one load run achieved."""

    requests: int
    seconds: float
    errors: int  # non-2xx answers and socket errors
    p50_ms: float
    p99_ms: float
    distinct: bool  # no path was asked for twice in the run
    capped: bool  # the request cap stopped it before its duration: the rate is a lower bound

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_installed() -> bool:
    """Whether wrk drives the load (installed and not overridden by BENCH_LOAD=python)."""
    return shutil.which("wrk") is not None and os.environ.get("BENCH_LOAD") != "python"


def tool() -> str:
    """How load is generated, for the results file."""
    spent = budget.current()
    bounds = f"{spent.load_seconds:g} s or {spent.max_requests:,} requests"
    if wrk_installed():
        return f"wrk -t{THREADS} -c{CONNECTIONS}, {bounds}"
    return f"Python asyncio + httpx, {CONNECTIONS} connections, {bounds}"


def drive(base: str, plan: Plan) -> Load:
    """Load base with the plan's requests, with the available tool; refuses anything but loopback."""
    host = urllib.parse.urlsplit(base).hostname
    if host not in LOOPBACK:
        raise ValueError(f"load runs on loopback only, not {base}")
    spent = budget.current()
    if wrk_installed():
        from bench import wrk  # noqa: PLC0415 - the fallback never needs it

        return wrk.run(base, plan, spent.load_seconds, spent.max_requests, THREADS, CONNECTIONS)
    from bench import pyload  # noqa: PLC0415

    return asyncio.run(pyload.run(base, plan, spent.load_seconds, spent.max_requests, CONNECTIONS))
