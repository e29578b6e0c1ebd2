"""Stores of both kinds, for the suites that must hold for memory and SQLite alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from specmock.engine.state import MemoryStore, SqliteStore, Store

Factory = Callable[[], Store]


@pytest.fixture(params=["memory", "sqlite"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Factory]:
    """Builds stores of one kind; every store built is closed afterwards."""
    made: list[Store] = []

    def make() -> Store:
        store: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / f"state{len(made)}.db")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: Factory) -> Store:
    """One store of each kind in turn."""
    return make_store()
