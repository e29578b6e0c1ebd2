"""The served step: every served run, then its tables and outcomes."""

from __future__ import annotations

from bench import served, served_tables
from bench.targets import Measured


def measure() -> Measured:
    """Run every served plan on its server, then tabulate."""
    return served_tables.measured(served.run_all())
