"""The issue's targets, what was measured against each, and the summary table at the top of the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.report import Table


@dataclass(frozen=True)
class Target:
    """One target of the issue, in its words."""

    goal: str


UNIQUE = Target("unique pages >= 25% of the ceiling")
REPEATED = Target("repeated pages >= 60% of the ceiling")
DEEP = Target("deep page <= 1.2x of page 0")
FILTERED = Target("filtered page <= 1.5x of page 0")
RSS = Target("RSS <= 80 MB, flat from 10^3 to 10^12")
COLD = Target("cold start <= 1.0 s")
CODEGEN = Target("codegen of specs/osmo.yaml <= 2 s")
RATE = Target(">= 100,000 workflow list entries/s per core in-process")
TARGETS = (UNIQUE, REPEATED, DEEP, FILTERED, RSS, COLD, CODEGEN, RATE)

# the bounds, where the tables that show them can read them too
UNIQUE_SHARE = 0.25
REPEATED_SHARE = 0.60
DEEP_RATIO = 1.2
FILTERED_RATIO = 1.5
RSS_MB = 80.0
RSS_FLAT = 1.10  # "flat": the 10^12 server within 10% of the 10^3 one
COLD_SECONDS = 1.0
CODEGEN_SECONDS = 2.0
ENTRIES_PER_SECOND = 100_000


@dataclass(frozen=True)
class Outcome:
    """A measured value against a target; a target can have several (served and in-process)."""

    target: Target
    measured: str
    met: bool


@dataclass
class Measured:
    """What one benchmark step produced: its tables and its outcomes against the targets."""

    tables: list[Table] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


def failed(target: Target, why: str) -> Outcome:
    """A target whose measurement did not produce a number (a failed run or step)."""
    return Outcome(target, f"not measured: {why}", False)


def verdict(outcomes: Sequence[Outcome]) -> str:
    """met only when every measurement of the target met it."""
    if not outcomes:
        return "not measured"
    return "met" if all(o.met for o in outcomes) else "missed"


def summary(outcomes: Sequence[Outcome]) -> Table:
    """One row per target in the issue's order: the measured values and met, missed or not measured."""
    table = Table("Targets", ("target", "measured", "result"))
    for target in TARGETS:
        mine = [o for o in outcomes if o.target is target]
        measured = "; ".join(o.measured for o in mine) or "-"
        table.rows.append((target.goal, measured, verdict(mine)))
    return table
