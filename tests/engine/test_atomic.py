"""Atomic store operations and entity handles: transactions, compare-and-set, update, for both stores
and for two processes sharing one SQLite file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from specmock.context import Context
from specmock.engine.entities import Entity, EntityExists, EntityMissing
from specmock.engine.state import MemoryStore, SqliteStore, StateError, Store
from tests.conftest import REPO
from tests.engine.conftest import Factory

THREADS = 8
INCREMENTS = 150


def slow_increment(value: Any | None) -> int:
    """+1, yielding the thread between the read and the write, so a non-atomic update would lose some."""
    time.sleep(0)
    return int(value or 0) + 1


def run_threads(count: int, target: Any) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


# update


def test_update_from_many_threads_loses_no_increment(store: Store) -> None:
    seen: list[int] = []

    def work() -> None:
        for _ in range(INCREMENTS):
            seen.append(store.update("shop", "counters", "orders", slow_increment))

    run_threads(THREADS, work)
    assert store.get("shop", "counters", "orders") == THREADS * INCREMENTS
    # every caller got its own new value
    assert sorted(seen) == list(range(1, THREADS * INCREMENTS + 1))


def test_update_passes_none_for_absent_and_deleted(store: Store) -> None:
    got: list[Any] = []
    assert store.update("shop", "users", "1", lambda v: got.append(v) or {"n": 1}) == {"n": 1}
    store.delete("shop", "users", "1")
    store.update("shop", "users", "1", lambda v: got.append(v) or (1, 2))
    assert got == [None, None]
    assert store.get("shop", "users", "1") == [1, 2]


def test_update_that_raises_writes_nothing(store: Store) -> None:
    store.put("shop", "counters", "n", 5)

    def broken(value: Any | None) -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        store.update("shop", "counters", "n", broken)
    with pytest.raises(StateError, match="JSON"):
        store.update("shop", "counters", "n", lambda v: object())
    assert store.get("shop", "counters", "n") == 5


# compare_and_set


def test_compare_and_set_semantics(store: Store) -> None:
    assert store.compare_and_set("shop", "slots", "1", None, {"by": "ada"})  # absent: None matches
    assert not store.compare_and_set("shop", "slots", "1", None, {"by": "bob"})  # taken
    assert not store.compare_and_set("shop", "slots", "1", {"by": "bob"}, {"by": "eve"})  # wrong value
    assert store.get("shop", "slots", "1") == {"by": "ada"}
    assert store.compare_and_set("shop", "slots", "1", {"by": "ada"}, {"by": "bob"})
    assert store.get("shop", "slots", "1") == {"by": "bob"}
    store.delete("shop", "slots", "1")
    assert not store.compare_and_set("shop", "slots", "1", {"by": "bob"}, 1)
    assert store.compare_and_set("shop", "slots", "1", None, 1)  # a tombstone counts as absent
    assert not store.deleted("shop", "slots", "1")


def test_compare_and_set_compares_json_values(store: Store) -> None:
    store.put("shop", "things", "pair", (1, 2))
    assert store.compare_and_set("shop", "things", "pair", (1, 2), "tuple matched the stored list")
    store.put("shop", "things", "obj", {"a": 1, "b": [True, None]})
    assert store.compare_and_set("shop", "things", "obj", {"b": [True, None], "a": 1}, "key order ignored")
    store.put("shop", "things", "flag", True)
    assert not store.compare_and_set("shop", "things", "flag", 1, "true is not 1")
    store.put("shop", "things", "one", 1)
    assert not store.compare_and_set("shop", "things", "one", True, "1 is not true")
    assert store.compare_and_set("shop", "things", "one", 1.0, "one number type, as in JSON")
    store.put("shop", "things", "text", "1")
    assert not store.compare_and_set("shop", "things", "text", 1, "a string is not a number")
    assert store.get("shop", "things", "flag") is True


def test_compare_and_set_has_one_winner_among_threads(store: Store) -> None:
    winners: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def claim(who: int) -> None:
        start.wait()
        for slot in range(3):
            if store.compare_and_set("shop", "slots", str(slot), None, who):
                with lock:
                    winners.append(who)

    threads = [threading.Thread(target=claim, args=(who,)) for who in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(winners) == 3
    assert sorted(winners) == sorted(value for _, value in store.items("shop", "slots"))


# transaction


def test_a_transaction_that_raises_writes_nothing(store: Store) -> None:
    store.put("shop", "users", "1", {"name": "Ada"})
    store.put("shop", "users", "2", {"name": "Bob"})
    store.delete("shop", "users", "3")
    before = store.export()
    with pytest.raises(RuntimeError, match="abort"), store.transaction():
        store.put("shop", "users", "1", {"name": "changed"})
        store.delete("shop", "users", "2")
        store.put("shop", "users", "3", "revived")
        store.put("shop", "orders", "o1", {"new": "entity"})
        assert store.get("shop", "users", "1") == {"name": "changed"}  # the block sees its own writes
        assert store.count("shop", "users") == 2
        raise RuntimeError("abort")
    assert store.export() == before
    assert [key for key, _ in store.items("shop", "users")] == ["1", "2"]
    assert store.deleted("shop", "users", "3")


def test_a_failed_transaction_undoes_a_reset_and_a_load(store: Store) -> None:
    store.put("shop", "users", "1", "one")
    store.put("shop", "users", "2", "two")
    before = store.export()
    with pytest.raises(KeyError), store.transaction():
        store.put("shop", "users", "1", "changed first")
        store.reset()
        store.put("shop", "users", "2", "after the reset")
        store.load({"version": 1, "entries": [{"api": "x", "entity": "y", "key": "z", "value": 1}]})
        raise KeyError("abort")
    assert store.export() == before


def test_a_transaction_commits_at_exit_and_nests(store: Store) -> None:
    with store.transaction():
        store.put("shop", "users", "1", "outer")
        with store.transaction():  # joins the outer one
            store.put("shop", "users", "2", "inner")
        assert store.get("shop", "users", "2") == "inner"
    assert [key for key, _ in store.items("shop", "users")] == ["1", "2"]
    # an inner failure the outer block catches is part of the outer transaction, which commits
    with store.transaction():
        try:
            with store.transaction():
                store.put("shop", "users", "3", "inner, then caught")
                raise ValueError
        except ValueError:
            pass
    assert store.get("shop", "users", "3") == "inner, then caught"
    # a failure of the outermost one undoes what nested blocks wrote
    with pytest.raises(ValueError), store.transaction():
        with store.transaction():
            store.put("shop", "users", "4", "gone")
        raise ValueError
    assert store.get("shop", "users", "4") is None


def test_other_threads_wait_for_a_transaction(store: Store) -> None:
    store.put("shop", "accounts", "a", 100)
    store.put("shop", "accounts", "b", 0)
    inside = threading.Event()
    totals: list[int] = []

    def transfer() -> None:
        with store.transaction():
            store.put("shop", "accounts", "a", 50)
            inside.set()
            time.sleep(0.05)  # room for the reader to run, if it could
            store.put("shop", "accounts", "b", 50)

    def read() -> None:
        inside.wait(timeout=30)
        totals.append(int(store.get("shop", "accounts", "a")) + int(store.get("shop", "accounts", "b")))
        store.put("shop", "accounts", "c", 0)  # a write waits as well

    writer, reader = threading.Thread(target=transfer), threading.Thread(target=read)
    writer.start()
    reader.start()
    writer.join(timeout=30)
    reader.join(timeout=30)
    assert totals == [100]  # never the half-done 50


def test_version_changes_with_a_transaction(store: Store) -> None:
    before = store.version()
    with store.transaction():
        store.put("shop", "users", "1", 1)
    assert store.version() != before


# entity handles


def test_entity_handle(store: Store) -> None:
    users = Entity(store, "shop", "users")
    users.create("1", {"name": "Ada", "role": "admin"})
    with pytest.raises(EntityExists, match=r"'shop'/'users'/'1' already exists") as caught:
        users.create("1", {"name": "Eve"})
    assert isinstance(caught.value, StateError)
    assert users.get("1") == {"name": "Ada", "role": "admin"}
    assert users.patch("1", {"role": "user", "email": "ada@example.com"}) == {
        "name": "Ada",
        "role": "user",
        "email": "ada@example.com",
    }
    assert users.get("1") == {"name": "Ada", "role": "user", "email": "ada@example.com"}
    with pytest.raises(EntityMissing, match=r"'shop'/'users'/'2' does not exist"):
        users.patch("2", {"role": "user"})
    assert users.get("2") is None and not users.deleted("2")
    users.put("2", [1, 2])
    with pytest.raises(StateError, match="holds a list, not an object"):
        users.patch("2", {"x": 1})
    users.delete("2")
    assert users.deleted("2") and users.count() == 1
    users.create("2", {"name": "Bob"})  # a deleted key is free again
    assert users.items() == [("1", users.get("1")), ("2", {"name": "Bob"})]
    assert users.update("3", slow_increment) == 1
    assert users.compare_and_set("3", 1, 2) and not users.compare_and_set("3", 1, 3)
    with pytest.raises(RuntimeError), users.transaction():
        users.put("4", "gone")
        Entity(store, "shop", "orders").put("o1", "gone too")
        raise RuntimeError
    assert users.get("4") is None and store.get("shop", "orders", "o1") is None
    assert store.get("shop", "users", "1") == users.get("1")  # the same entries as raw store calls
    assert Entity(store, "blog", "users").count() == 0


def test_entity_create_has_one_winner_among_threads(store: Store) -> None:
    slots = Entity(store, "shop", "slots")
    wins: list[int] = []
    start = threading.Barrier(THREADS)

    def claim(who: int) -> None:
        start.wait()
        try:
            slots.create("only", who)
            wins.append(who)
        except EntityExists:
            pass

    threads = [threading.Thread(target=claim, args=(who,)) for who in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(wins) == 1 and slots.get("only") == wins[0]


def test_entity_names_are_checked(store: Store) -> None:
    with pytest.raises(TypeError, match="entity must be a non-empty str"):
        Entity(store, "shop", "")
    with pytest.raises(TypeError, match="patch takes a mapping"):
        Entity(store, "shop", "users").patch("1", [("a", 1)])  # type: ignore[arg-type]


def test_context_entity_is_bound_to_the_api_and_store(make_store: Factory) -> None:
    store = make_store()
    ctx = Context("shop", "op", {}, None, 0, datetime(2026, 1, 1, tzinfo=UTC), {}, store)
    sessions = ctx.entity("sessions")
    assert (sessions.store, sessions.api, sessions.name) == (store, "shop", "sessions")
    sessions.update("n", slow_increment)
    assert store.get("shop", "sessions", "n") == 1


# two processes, one SQLite file

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from specmock.engine.entities import Entity
    from specmock.engine.state import SqliteStore

    store = SqliteStore(Path(sys.argv[1]))
    counter, slots = Entity(store, "shop", "counters"), Entity(store, "shop", "slots")
    print("ready", flush=True)
    sys.stdin.readline()  # both start together

    def bump(value):
        time.sleep(0.0002)  # widen the window between read and write
        return int(value or 0) + 1

    won = 0
    for index in range(int(sys.argv[2])):
        counter.update("n", bump)
        won += slots.compare_and_set(str(index % 50), None, sys.argv[3])
    print(won, flush=True)
    store.close()
    """
)


@pytest.mark.slow
def test_two_processes_lose_no_increment(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStore(path).close()  # created once, so neither child races to lay out the schema
    rounds = 300
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(rounds), name],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120)[0] for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert [child.returncode for child in children] == [0, 0]
    store = SqliteStore(path)
    try:
        assert store.get("shop", "counters", "n") == 2 * rounds
        owners = [value for _, value in store.items("shop", "slots")]
        assert len(owners) == 50  # each slot claimed once, by one of them
        assert sum(int(out.strip()) for out in outputs) == 50
    finally:
        store.close()


def test_sqlite_transaction_waits_for_another_connections_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first, second = SqliteStore(path), SqliteStore(path)
    try:
        inside = threading.Event()
        order: list[str] = []

        def hold() -> None:
            with first.transaction():
                first.put("shop", "counters", "n", 1)
                inside.set()
                time.sleep(0.1)
                order.append("first committed")

        holder = threading.Thread(target=hold)
        holder.start()
        inside.wait(timeout=30)
        second.update("shop", "counters", "n", slow_increment)  # waits for the lock, then sees 1
        order.append("second updated")
        holder.join(timeout=30)
        assert order == ["first committed", "second updated"]
        assert second.get("shop", "counters", "n") == 2
    finally:
        first.close()
        second.close()


def test_memory_store_is_a_store() -> None:
    assert isinstance(MemoryStore(), Store)
