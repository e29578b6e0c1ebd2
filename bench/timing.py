"""Timing helpers for in-process benchmarks."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def median_seconds(call: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls, after one warm-up call."""
    call()
    times = []
    gc.collect()  # a collection of earlier garbage must not land in one sample
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rate(call: Callable[[int], object], seconds: float, batch: int = 100) -> float:
    """Calls per second of call(k) with k = 0, 1, 2, ... for about `seconds`."""
    call(0)
    done = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for k in range(done, done + batch):
            call(k)
        done += batch
    return done / elapsed
