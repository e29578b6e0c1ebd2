"""Codegen time: `specmock codegen` as a user runs it, process start to exit, in a scratch project."""

from __future__ import annotations

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


def time_codegen(spec: Path, runs: int) -> list[float]:
    """Wall seconds of `python -m specmock codegen SPEC`, fresh output each run."""
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / spec.name
        shutil.copy(spec, target)
        for _ in range(runs):
            shutil.rmtree(Path(scratch) / "generated", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "specmock", "codegen", spec.name], cwd=scratch, check=True, capture_output=True
            )
            times.append(time.perf_counter() - start)
    return times


def measure() -> Measured:
    """Median and worst codegen time of specs/osmo.yaml and of the largest corpus document."""
    runs = budget.current().codegen_runs
    table = Table(
        f"Codegen (process start to exit, {runs} run{'s' * (runs != 1)})", ("what", "median", "worst", "target")
    )
    cases = [(SPEC, f"<= {targets.CODEGEN_SECONDS:g} s")]
    if CORPUS.is_dir():
        largest = max((p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json")), key=lambda p: p.stat().st_size)
        cases.append((largest, f"info (< {LARGEST_BOUND:g} s)"))
    outcomes = []
    for spec, goal in cases:
        times = time_codegen(spec, runs)
        median = statistics.median(times)
        what = f"codegen {spec.name} ({spec.stat().st_size // 1024} KiB)"
        table.rows.append((what, f"{median:.2f} s", f"{max(times):.2f} s", goal))
        if spec == SPEC:
            outcomes.append(Outcome(targets.CODEGEN, f"{median:.2f} s", median <= targets.CODEGEN_SECONDS))
    return Measured([table], outcomes)
