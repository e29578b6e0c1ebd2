"""Entity handles: one entity of one API in a state store, named once instead of at every call.

A generator writes `sessions = ctx.entity("sessions")` and then `sessions.update(key, fn)`,
`sessions.create(key, value)` or `with sessions.transaction(): ...`, where raw store calls
would repeat (api, entity) each time. Everything a handle does goes through the store, so it
is as atomic as the store makes it: `create`, `patch`, `update` and `compare_and_set` are each
one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any

from specmock.engine.state import StateError, Store

__all__ = ["Entity", "EntityExists", "EntityMissing"]


class EntityExists(StateError):
    """`create` of a key that already holds a value."""


class EntityMissing(StateError):
    """`patch` of a key that holds no value (never put, or deleted)."""


class Entity:
    """One entity of one API in a store: get, create, patch, put, delete, list, count, update atomically."""

    __slots__ = ("api", "name", "store")

    def __init__(self, store: Store, api: str, name: str) -> None:
        for what, part in (("api", api), ("entity", name)):
            if not isinstance(part, str) or not part:
                raise TypeError(f"state {what} must be a non-empty str, not {part!r}")
        self.store = store
        self.api = api
        self.name = name

    def __repr__(self) -> str:
        return f"Entity({self.api!r}, {self.name!r})"

    def _where(self, key: str) -> str:
        return f"state {self.api!r}/{self.name!r}/{key!r}"

    def get(self, key: str) -> Any | None:
        """The stored value (a fresh copy), or None when absent or deleted."""
        return self.store.get(self.api, self.name, key)

    def put(self, key: str, value: Any) -> None:
        """Store a value, replacing any earlier value or tombstone."""
        self.store.put(self.api, self.name, key, value)

    def create(self, key: str, value: Any) -> None:
        """Store a value under a key that holds none yet (a deleted key counts as free); EntityExists otherwise."""
        with self.store.transaction():
            if self.store.get(self.api, self.name, key) is not None:
                raise EntityExists(f"{self._where(key)} already exists; put replaces it, update changes it")
            self.store.put(self.api, self.name, key, value)

    def patch(self, key: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Merge `changes` into the stored object (top-level keys only), atomically; the merged object."""
        if not isinstance(changes, Mapping):
            raise TypeError(f"{self._where(key)}: patch takes a mapping of changes, not {type(changes).__name__}")

        def merge(current: Any | None) -> dict[str, Any]:
            if current is None:
                raise EntityMissing(f"{self._where(key)} does not exist; create or put it before patching it")
            if not isinstance(current, dict):
                raise StateError(f"{self._where(key)} holds a {type(current).__name__}, not an object to patch")
            return {**current, **changes}

        merged: dict[str, Any] = self.store.update(self.api, self.name, key, merge)
        return merged

    def update(self, key: str, fn: Callable[[Any | None], Any]) -> Any:
        """Store fn(current value or None) as one atomic step; the new value."""
        return self.store.update(self.api, self.name, key, fn)

    def compare_and_set(self, key: str, expected: Any, new: Any) -> bool:
        """Store `new` only if the value is `expected` now (None: absent or deleted); whether it did."""
        return self.store.compare_and_set(self.api, self.name, key, expected, new)

    def delete(self, key: str) -> None:
        """Record a tombstone, so a generated entity under the key reads as deleted."""
        self.store.delete(self.api, self.name, key)

    def deleted(self, key: str) -> bool:
        """Whether the key carries a tombstone."""
        return self.store.deleted(self.api, self.name, key)

    def items(self) -> list[tuple[str, Any]]:
        """The stored (key, value) pairs in insertion order, tombstones left out."""
        return self.store.items(self.api, self.name)

    def count(self) -> int:
        """How many values are stored, tombstones left out."""
        return self.store.count(self.api, self.name)

    def transaction(self) -> AbstractContextManager[None]:
        """The store's transaction: reads and writes inside it (of any entity) are one atomic unit."""
        return self.store.transaction()
