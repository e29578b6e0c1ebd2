"""The registry that handwritten generators use to claim operations by operationId."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Generators:
    """Handwritten generators of one API, keyed by the spec's operationIds."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.sites: dict[str, tuple[str, int]] = {}

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
