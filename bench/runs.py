"""One served run: check samples of the plan's requests, then load the server with the plan."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from bench import load, samples
from bench.load import Load
from bench.offsets import Plan
from bench.report import yes_no
from specmock.spec.verdicts import SpecValidator

SPECMOCK = "specmock serve"
CEILING = "ceiling (Starlette)"


@dataclass
class Run:
    """A load run and what its samples showed, on one server."""

    server: str
    plan: Plan
    check: samples.Check
    load: Load
    repeatable: bool = True  # answers must be byte-identical when asked twice (Prism's random ones need not)

    @property
    def failure(self) -> str | None:
        """Why the run does not count (a sample not 200 or not valid, an error under load), or None."""
        if not all(s == 200 for s in self.check.statuses):
            return "samples not 200: " + "; ".join(self.check.problems[:2])
        if self.check.valid is False:
            return "samples invalid: " + "; ".join(self.check.problems[:2])
        if self.repeatable and not self.check.deterministic:
            return "samples differ when fetched twice"
        if self.load.errors:
            return f"{self.load.errors:,} non-200 or socket errors under load"
        return None

    @property
    def rate(self) -> float:
        """Requests per second under load."""
        return self.load.rate

    def paths(self) -> str:
        """How the run's paths varied: one, all different, or some repeated."""
        if self.plan.repeated:
            return "1 (the same)"
        return "all different" if self.load.distinct else "some repeated"

    def verdict(self) -> str:
        """ok, or FAILED with the reason."""
        failure = self.failure
        return "ok" if failure is None else f"FAILED: {failure}"

    def checks(self) -> tuple[str, str]:
        """The valid and deterministic cells."""
        return yes_no(self.check.valid), yes_no(self.check.deterministic)

    def numbers(self) -> tuple[str, str, str, str, str]:
        """Requests, requests/s (a lower bound when capped), p50, p99 and errors."""
        rate = f"{self.rate:,.0f}" + (" (capped)" if self.load.capped else "")
        tail = (f"{self.load.p50_ms:.1f} ms", f"{self.load.p99_ms:.1f} ms")
        return f"{self.load.requests:,}", rate, *tail, f"{self.load.errors:,}"


def measure(
    server: str, base: str, plan: Plan, validator: SpecValidator | None, count: int, repeatable: bool = True
) -> Run:
    """Check `count` samples of the plan on base, then drive the load; progress goes to stderr."""
    print(f"  {server}: {plan.label} ...", file=sys.stderr, flush=True)
    check = samples.check(base, plan, validator, count)
    ran = Run(server, plan, check, load.drive(base, plan), repeatable)
    print(f"  {server}: {plan.label}: {ran.rate:,.0f} requests/s, {ran.verdict()}", file=sys.stderr, flush=True)
    return ran
