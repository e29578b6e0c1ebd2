"""Codegen time: `specmock codegen` as a user runs it, process start to exit, in a scratch project."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def time_codegen(spec: Path, runs: int = 5) -> list[float]:
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


def rows() -> list[tuple[str, float, float, str]]:
    """(what, median s, max s, target) for the OSMO spec and the largest corpus document."""
    cases = [(REPO / "specs" / "osmo.yaml", 2.0)]
    if CORPUS.is_dir():
        largest = max((p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json")), key=lambda p: p.stat().st_size)
        cases.append((largest, 30.0))
    out = []
    for spec, target in cases:
        times = time_codegen(spec)
        out.append(
            (
                f"codegen {spec.name} ({spec.stat().st_size // 1024} KiB)",
                statistics.median(times),
                max(times),
                f"< {target:g} s",
            )
        )
    return out
