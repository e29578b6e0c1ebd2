"""Run the benchmarks, print each table as it is measured, and write bench/results/latest.md.

`python -m bench` runs everything (about five minutes) and writes the results file with the
target summary at the top. `--quick` (or BENCH_QUICK=1) runs every step briefly to show the
code works; it and `--only` print without writing unless `--out` names a file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import budget, machine
from bench.report import Table
from bench.targets import Measured, Outcome, summary

RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
# name -> "module:function"; run in this order, which is the (served first, then in-process)
STEPS = {
    "served": "bench.served_steps:measure",
    "pages": "bench.osmo_pages:measure",
    "coldstart": "bench.coldstart:measure",
    "codegen": "bench.codegen:measure",
    "generation": "bench.generation:item_measure",
    "validation": "bench.validation:measure",
    "synthesis": "bench.synthesis:measure",
    "engine": "bench.engine:measure",
}


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs that only show the code works")
    parser.add_argument("--no-prism", action="store_true", help="leave Prism out of the served runs")
    parser.add_argument("--only", nargs="+", choices=list(STEPS), help="run these steps only")
    parser.add_argument("--out", type=Path, help="write the results here (default: latest.md, on full runs only)")
    return parser.parse_args(argv)


def _step(name: str) -> Callable[[], Measured | Table]:
    module, function = STEPS[name].split(":")
    return getattr(importlib.import_module(module), function)


def run(names: list[str]) -> tuple[list[str], list[Outcome], list[str]]:
    """Run the named steps: their markdown lines, their outcomes, and the names of the steps that failed."""
    lines: list[str] = []
    outcomes: list[Outcome] = []
    failures: list[str] = []
    for name in names:
        print(f"[bench] {name}", file=sys.stderr, flush=True)
        try:
            # imported in the step: a module that no longer imports fails its own step, not the run
            result = _step(name)()
        except Exception as exc:  # noqa: BLE001 - a failed step is reported, the others still run
            traceback.print_exc()
            failures.append(name)
            result = Table(f"{name}: failed", ("error",), [(f"{type(exc).__name__}: {exc}".splitlines()[0],)])
        measured = result if isinstance(result, Measured) else Measured([result])
        outcomes += measured.outcomes
        for table in measured.tables:
            section = table.lines()
            print("\n".join(section), flush=True)
            lines += section
    return lines, outcomes, failures


def main(argv: list[str] | None = None) -> int:
    """Measure, print and save; 1 when a step failed."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    if args.quick:
        os.environ["BENCH_QUICK"] = "1"
    if args.no_prism:
        os.environ["BENCH_PRISM"] = "0"
    head = ["# specmock benchmarks", "", *machine.describe()]
    if budget.quick():
        head.append("- quick run (BENCH_QUICK): durations cut short, the numbers mean nothing")
    print("\n".join(head) + "\n", flush=True)
    lines, outcomes, failures = run(args.only or list(STEPS))
    top = summary(outcomes).lines()
    print("\n".join(top), flush=True)
    out = args.out or (None if args.only or budget.quick() else RESULTS)
    if out is not None:
        text = "\n".join([*head, "", *top, *lines]).rstrip("\n") + "\n"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"written: {out}")
    if failures:
        print(f"failed steps: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
