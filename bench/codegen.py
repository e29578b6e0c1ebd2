"""Codegen time: `specmock codegen` as a user runs it, process start to exit, in a scratch project.

As with cold start, the timed runs keep Python's compiled bytecode (an untimed first run writes
it, as a user's first run does); with PYTHONDONTWRITEBYTECODE set every run compiles
datamodel-code-generator and the rest from source, shown for osmo.yaml as well.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import budget, targets
from bench.osmo_app import REPO, SPEC
from bench.report import Table
from bench.targets import Measured, Outcome

CORPUS = REPO.parent / "shared" / "corpus"
LARGEST_BOUND = 30.0  # seconds; info, not one of the targets


KEPT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FROM_SOURCE = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def time_codegen(spec: Path, runs: int, env: dict[str, str]) -> list[float]:
    """Wall seconds of `python -m specmock codegen SPEC`, fresh output each run (after one untimed run)."""
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / spec.name
        shutil.copy(spec, target)
        for _ in range(runs + 1):
            shutil.rmtree(Path(scratch) / "generated", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "specmock", "codegen", spec.name],
                cwd=scratch,
                check=True,
                capture_output=True,
                env=env,
            )
            times.append(time.perf_counter() - start)
    return times[1:]


def measure() -> Measured:
    """Median and worst codegen time of specs/osmo.yaml and of the largest corpus document."""
    runs = budget.current().codegen_runs
    table = Table(
        f"Codegen (process start to exit, {runs} run{'s' * (runs != 1)})", ("what", "median", "worst", "target")
    )
    cases = [(SPEC, KEPT, "", f"<= {targets.CODEGEN_SECONDS:g} s"), (SPEC, FROM_SOURCE, ", from source", "info")]
    if CORPUS.is_dir():
        largest = max((p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json")), key=lambda p: p.stat().st_size)
        cases.append((largest, KEPT, "", f"info (< {LARGEST_BOUND:g} s)"))
    outcomes = []
    for spec, env, how, goal in cases:
        times = time_codegen(spec, runs, env)
        median = statistics.median(times)
        what = f"codegen {spec.name} ({spec.stat().st_size // 1024} KiB{how})"
        table.rows.append((what, f"{median:.2f} s", f"{max(times):.2f} s", goal))
        if spec == SPEC and env is KEPT:
            outcomes.append(Outcome(targets.CODEGEN, f"{median:.2f} s", median <= targets.CODEGEN_SECONDS))
    return Measured([table], outcomes)
