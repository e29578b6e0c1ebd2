"""Timing helpers for in-process benchmarks."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence


def medians(calls: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """The median wall time of each call over `runs` rounds, after one warm-up round.

    The calls take turns within each round, so a slower spell of the machine (the other core is
    shared) lands on all of them alike and their ratios hold.
    """
    for call in calls:
        call()
    times: list[list[float]] = [[] for _ in calls]
    gc.collect()  # a collection of earlier garbage must not land in one sample
    for _ in range(runs):
        for call, samples in zip(calls, times, strict=True):
            start = time.perf_counter()
            call()
            samples.append(time.perf_counter() - start)
    return [statistics.median(samples) for samples in times]


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
