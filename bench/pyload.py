"""The fallback load generator when wrk is missing: asyncio + httpx, bounded in time and requests.

It shares the machine's cores with the server and tops out at a few hundred requests/s per core,
so against a fast server (the ceiling) it measures itself.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time

import httpx

from bench.load import Load
from bench.offsets import Plan


async def run(base: str, plan: Plan, seconds: float, max_requests: int, connections: int) -> Load:
    """Send the plan's requests in order over `connections` connections until `seconds` or max_requests."""
    numbers = itertools.count()
    latencies: list[float] = []
    errors = 0

    async def connection(deadline: float) -> None:
        # a client per connection: one shared pool of 32 halves the rate (httpcore's pool bookkeeping)
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=1), timeout=30) as client:
            while time.perf_counter() < deadline and (n := next(numbers)) < max_requests:
                sent = time.perf_counter()
                try:
                    ok = (await client.get(plan.path(n))).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                errors += not ok

    start = time.perf_counter()
    await asyncio.gather(*(connection(start + seconds) for _ in range(connections)))
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0] if latencies else 0.0] * 99
    done = len(latencies)
    return Load(
        requests=done,
        seconds=elapsed,
        errors=errors,
        p50_ms=cuts[49] * 1000,
        p99_ms=cuts[98] * 1000,
        distinct=not plan.repeated and plan.distinct(done),
        capped=done >= max_requests,
    )
