"""How long each benchmark runs: the full budget, or a quick one (BENCH_QUICK=1) that only shows the code works."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Durations and repetitions of every benchmark."""

    load_seconds: float  # one load run
    max_requests: int  # one load run, all threads together
    samples: int  # responses validated and fetched twice before a served run
    medians: int  # rounds of an in-process median
    engine_medians: int
    rate_seconds: float  # one in-process rate
    codegen_runs: int
    cold_runs: int
    prism_seconds: float  # install and start of Prism, together


FULL = Budget(10, 1_000_000, 5, 51, 501, 1.5, 5, 3, 120)
QUICK = Budget(1, 20_000, 2, 5, 21, 0.2, 1, 1, 120)


def current() -> Budget:
    """QUICK when BENCH_QUICK is set to anything but 0 or empty, else FULL."""
    return QUICK if os.environ.get("BENCH_QUICK", "") not in ("", "0") else FULL


def quick() -> bool:
    """Whether this is a quick run, whose numbers mean nothing."""
    return current() is QUICK
