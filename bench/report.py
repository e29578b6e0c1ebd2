"""Markdown tables for the results file, and how numbers are written in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled markdown table; notes are printed under it."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The section: heading, table, notes, blank line."""
        out = [f"## {self.title}", "", "| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        out += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            out += ["", *self.notes]
        return [*out, ""]


def ratio(value: float, base: float) -> str:
    """value / base as `1.07x`."""
    return f"{value / base:.2f}x" if base else "-"


def megabytes(n_kib: int) -> float:
    """KiB (as /proc reports memory) in MB of 10^6 bytes, the unit of the RSS target."""
    return n_kib * 1024 / 1e6


def yes_no(value: bool | None) -> str:
    """yes, no, or n/a for a check that does not apply."""
    return "n/a" if value is None else "yes" if value else "no"
