"""Markdown tables for the results file."""

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
    return f"{value / base:.2f}x"


def kib(n_bytes: float) -> str:
    """A byte count in KiB."""
    return f"{n_bytes / 1024:,.1f} KiB"
