"""Declaring that a generator covers every value of a spec enum, so drift in the enum is caught."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


@dataclass(frozen=True)
class Coverage:
    """One declaration: which enum, which values it covered, and where it was made."""

    enum: str
    values: tuple[str, ...]
    file: str
    line: int


_declared: list[Coverage] = []


def exhaustive(enum: type[E], mapping: Mapping[E, T]) -> dict[E, T]:
    """Declare that mapping has an entry for every value of enum; `specmock check` reports gaps.

    Returns the mapping as a dict, so it can be used in place:
    `WEIGHTS = exhaustive(WorkflowStatus, {WorkflowStatus.RUNNING: 20, ...})`.
    """
    caller = sys._getframe(1)
    _declared.append(
        Coverage(
            enum=enum.__name__,
            values=tuple(str(getattr(key, "value", key)) for key in mapping),
            file=caller.f_code.co_filename,
            line=caller.f_lineno,
        )
    )
    return dict(mapping)


def declarations() -> list[Coverage]:
    """Every declaration made so far in this process, in order."""
    return list(_declared)


def forget() -> None:
    """Drop the declarations (before importing generators again)."""
    _declared.clear()
