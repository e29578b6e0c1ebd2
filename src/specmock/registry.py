"""The registry that handwritten generators use to claim operations by operationId."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class CollectionSize:
    """The totals of one collection for each volume preset."""

    default: int
    low: int
    high: int

    def for_preset(self, preset: str) -> int:
        """The total for a preset name (low, default or high)."""
        return {"low": self.low, "default": self.default, "high": self.high}[preset]


class Generators:
    """Handwritten generators of one API, keyed by the spec's operationIds."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.sites: dict[str, tuple[str, int]] = {}
        self.collections: dict[str, CollectionSize] = {}

    def collection(self, name: str, default: int, low: int | None = None, high: int | None = None) -> str:
        """Declare a collection and its totals per preset; `--volume api.name=N` overrides them."""
        self.collections[name] = CollectionSize(
            default, default if low is None else low, default if high is None else high
        )
        return name

    def operation(self, operation_id: str) -> Callable[[F], F]:
        """Decorator: the function answers this operation instead of schema-driven synthesis."""
        caller = sys._getframe(1)
        site = (caller.f_code.co_filename, caller.f_lineno)

        def register(func: F) -> F:
            if operation_id in self.handlers:
                first = self.sites[operation_id]
                raise ValueError(f"operation {operation_id!r} already has a generator ({first[0]}:{first[1]})")
            self.handlers[operation_id] = func
            self.sites[operation_id] = site
            return func

        return register
