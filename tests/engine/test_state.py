"""The write overlay: one behaviour suite for both stores, then SQLite durability, snapshots and bad input."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from specmock.engine.state import MemoryStore, SqliteStore, StateError, Store, open_store
from specmock.errors import ConfigError, SpecmockError
from tests.conftest import REPO
from tests.engine.conftest import Factory


def fill(store: Store) -> None:
    store.put("shop", "users", "1", {"id": 1, "name": "Ada"})
    store.put("shop", "users", "2", {"id": 2, "name": "Bob"})
    store.put("shop", "orders", "o1", {"id": "o1", "total": 9.5})
    store.put("blog", "posts", "p1", {"title": "Hi", "tags": ["a", "b"]})
    store.delete("shop", "users", "3")


# The behaviour suite, run against both stores.


def test_is_a_store(store: Store) -> None:
    assert isinstance(store, Store)


def test_missing_key(store: Store) -> None:
    assert store.get("shop", "users", "1") is None
    assert not store.deleted("shop", "users", "1")
    assert store.items("shop", "users") == []
    assert store.count("shop", "users") == 0


@pytest.mark.parametrize(
    "value",
    [{"id": 1, "name": "Ada", "nested": {"list": [1, 2.5, None, True]}}, [1, "two"], "text", 42, 1.25, False, None],
)
def test_put_get_round_trip(store: Store, value: Any) -> None:
    store.put("shop", "users", "1", value)
    assert store.get("shop", "users", "1") == value
    assert not store.deleted("shop", "users", "1")


def test_values_keep_unicode_and_key_order(store: Store) -> None:
    store.put("shop", "users", "ü/1", {"z": "日本", "a": "é"})
    value = store.get("shop", "users", "ü/1")
    assert value == {"z": "日本", "a": "é"}
    assert list(value) == ["z", "a"]


def test_values_are_copies(store: Store) -> None:
    value = {"tags": ["a"]}
    store.put("shop", "users", "1", value)
    value["tags"].append("changed after put")
    got = store.get("shop", "users", "1")
    assert isinstance(got, dict)
    got["tags"].append("changed after get")
    assert store.get("shop", "users", "1") == {"tags": ["a"]}


def test_values_come_back_as_json(store: Store) -> None:
    store.put("shop", "users", "1", {"pair": (1, 2), 3: "three"})
    assert store.get("shop", "users", "1") == {"pair": [1, 2], "3": "three"}


@pytest.mark.parametrize("value", [object(), {"x": float("nan")}, {"x": float("inf")}, {1, 2}])
def test_non_json_value_is_refused(store: Store, value: Any) -> None:
    store.put("shop", "users", "1", "before")
    with pytest.raises(StateError, match=r"'shop'/'users'/'1'.*JSON"):
        store.put("shop", "users", "1", value)
    assert store.get("shop", "users", "1") == "before"


def test_non_string_names_are_refused(store: Store) -> None:
    with pytest.raises(TypeError, match="key must be a str"):
        store.put("shop", "users", 1, {})  # type: ignore[arg-type]


def test_put_replaces_and_keeps_position(store: Store) -> None:
    fill(store)
    store.put("shop", "users", "1", {"id": 1, "name": "Ada L."})
    assert store.get("shop", "users", "1") == {"id": 1, "name": "Ada L."}
    assert [key for key, _ in store.items("shop", "users")] == ["1", "2"]
    assert store.count("shop", "users") == 2


def test_items_in_insertion_order(store: Store) -> None:
    keys = ["10", "2", "b", "a", "1"]
    for key in keys:
        store.put("shop", "users", key, {"key": key})
    assert store.items("shop", "users") == [(key, {"key": key}) for key in keys]


def test_delete_records_a_tombstone(store: Store) -> None:
    fill(store)
    store.delete("shop", "users", "1")
    assert store.get("shop", "users", "1") is None
    assert store.deleted("shop", "users", "1")
    assert store.items("shop", "users") == [("2", {"id": 2, "name": "Bob"})]
    assert store.count("shop", "users") == 1


def test_delete_of_a_base_entity_never_put(store: Store) -> None:
    store.delete("shop", "users", "42")
    store.delete("shop", "users", "42")
    assert store.deleted("shop", "users", "42")
    assert store.count("shop", "users") == 0
    assert store.items("shop", "users") == []


def test_put_after_delete_revives_at_the_end(store: Store) -> None:
    fill(store)
    store.delete("shop", "users", "1")
    store.put("shop", "users", "1", {"id": 1, "name": "Ada again"})
    assert not store.deleted("shop", "users", "1")
    assert [key for key, _ in store.items("shop", "users")] == ["2", "1"]
    assert store.count("shop", "users") == 2


def test_apis_and_entities_are_separate(store: Store) -> None:
    store.put("shop", "users", "1", "shop user")
    store.put("blog", "users", "1", "blog user")
    store.put("shop", "admins", "1", "shop admin")
    store.delete("blog", "admins", "1")
    assert store.get("shop", "users", "1") == "shop user"
    assert store.get("blog", "users", "1") == "blog user"
    assert store.get("shop", "admins", "1") == "shop admin"
    assert not store.deleted("shop", "admins", "1")
    assert store.count("shop", "users") == store.count("blog", "users") == 1


def test_reset_everything(store: Store) -> None:
    fill(store)
    store.reset()
    assert store.export() == {"version": 1, "entries": []}
    assert not store.deleted("shop", "users", "3")
    store.put("shop", "users", "9", "after reset")
    assert store.items("shop", "users") == [("9", "after reset")]


def test_reset_one_api_leaves_the_others(store: Store) -> None:
    fill(store)
    store.reset("shop")
    assert store.items("shop", "users") == []
    assert store.count("shop", "orders") == 0
    assert not store.deleted("shop", "users", "3")
    assert store.items("blog", "posts") == [("p1", {"title": "Hi", "tags": ["a", "b"]})]
    store.reset("no such api")
    assert store.count("blog", "posts") == 1


def test_export_format(store: Store) -> None:
    fill(store)
    snapshot = store.export()
    assert snapshot == {
        "version": 1,
        "entries": [
            {"api": "blog", "entity": "posts", "key": "p1", "value": {"title": "Hi", "tags": ["a", "b"]}},
            {"api": "shop", "entity": "orders", "key": "o1", "value": {"id": "o1", "total": 9.5}},
            {"api": "shop", "entity": "users", "key": "1", "value": {"id": 1, "name": "Ada"}},
            {"api": "shop", "entity": "users", "key": "2", "value": {"id": 2, "name": "Bob"}},
            {"api": "shop", "entity": "users", "key": "3", "deleted": True},
        ],
    }
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_load_replaces_and_round_trips(make_store: Factory) -> None:
    source, target = make_store(), make_store()
    fill(source)
    source.put("shop", "users", "1", "moved? no")
    target.put("other", "things", "x", "replaced by load")
    target.load(source.export())
    assert target.export() == source.export()
    assert target.get("other", "things", "x") is None
    assert target.deleted("shop", "users", "3")
    assert [key for key, _ in target.items("shop", "users")] == ["1", "2"]
    # Positions continue after the loaded ones.
    target.put("shop", "users", "0", "new")
    assert [key for key, _ in target.items("shop", "users")] == ["1", "2", "0"]


GOOD = {"api": "a", "entity": "e", "key": "k", "value": 1}


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        ([], "snapshot must be an object"),
        ({"entries": []}, "no 'version'"),
        ({"version": "1", "entries": []}, "'version' must be an integer"),
        ({"version": True, "entries": []}, "'version' must be an integer"),
        ({"version": 2, "entries": []}, "version 2 is newer"),
        ({"version": 0, "entries": []}, "version 0 is not supported"),
        ({"version": 1}, "'entries' must be a list"),
        ({"version": 1, "entries": [], "extra": 1}, "unknown field.*extra"),
        ({"version": 1, "entries": [GOOD, "x"]}, r"entries\[1\] must be an object"),
        ({"version": 1, "entries": [{**GOOD, "api": 3}]}, r"entries\[0\]\.api must be a string, not int"),
        ({"version": 1, "entries": [{"entity": "e", "key": "k", "value": 1}]}, r"entries\[0\]\.api must be a string"),
        ({"version": 1, "entries": [{**GOOD, "key": None}]}, r"entries\[0\]\.key must be a string"),
        ({"version": 1, "entries": [{**GOOD, "colour": "red"}]}, r"entries\[0\] has unknown field.*colour"),
        ({"version": 1, "entries": [{"api": "a", "entity": "e", "key": "k"}]}, r"entries\[0\] has no value"),
        ({"version": 1, "entries": [{**GOOD, "deleted": True}]}, r"entries\[0\] is deleted and must not have a value"),
        ({"version": 1, "entries": [{**GOOD, "deleted": "yes"}]}, r"entries\[0\]\.deleted must be true or false"),
        ({"version": 1, "entries": [{**GOOD, "value": float("nan")}]}, r"entries\[0\]\.value.*JSON"),
        ({"version": 1, "entries": [GOOD, {**GOOD, "value": 2}]}, r"entries\[1\] repeats 'a'/'e'/'k' from entries\["),
    ],
)
def test_invalid_snapshot_changes_nothing(store: Store, snapshot: Any, message: str) -> None:
    fill(store)
    before = store.export()
    with pytest.raises(StateError, match=message) as caught:
        store.load(snapshot)
    assert isinstance(caught.value, SpecmockError)
    assert store.export() == before


def test_closed_store_refuses(store: Store) -> None:
    store.put("shop", "users", "1", 1)
    store.close()
    store.close()
    with pytest.raises(StateError, match="closed"):
        store.get("shop", "users", "1")
    with pytest.raises(StateError, match="closed"):
        store.put("shop", "users", "1", 2)


def test_concurrent_writes_from_threads(store: Store) -> None:
    def write(worker: int) -> None:
        for index in range(50):
            store.put("shop", f"w{worker}", str(index), {"worker": worker, "index": index})
            store.get("shop", f"w{worker}", str(index))

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in range(4):
        assert [key for key, _ in store.items("shop", f"w{worker}")] == [str(index) for index in range(50)]


# Across store kinds.


def test_export_from_memory_loads_into_sqlite_and_back(tmp_path: Path) -> None:
    memory = MemoryStore()
    fill(memory)
    sqlite = SqliteStore(tmp_path / "state.db")
    sqlite.load(memory.export())
    sqlite.close()
    reopened = SqliteStore(tmp_path / "state.db")
    assert reopened.export() == memory.export()
    again = MemoryStore()
    again.load(reopened.export())
    reopened.close()
    assert again.export() == memory.export()
    assert again.items("shop", "users") == memory.items("shop", "users")


# SQLite on disk.


def test_sqlite_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(path)
    fill(store)
    store.put("shop", "users", "1", {"id": 1, "name": "Ada L."})
    before = store.export()
    store.close()
    reopened = SqliteStore(path)
    try:
        assert reopened.export() == before
        assert reopened.deleted("shop", "users", "3")
        assert [key for key, _ in reopened.items("shop", "users")] == ["1", "2"]
    finally:
        reopened.close()


@pytest.mark.slow
def test_sqlite_survives_a_killed_process(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        from specmock.engine.state import SqliteStore
        store = SqliteStore(Path(sys.argv[1]))
        store.put("shop", "users", "1", {"id": 1})
        store.put("shop", "users", "2", {"id": 2})
        store.delete("shop", "users", "2")
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", script, str(path)], cwd=REPO, check=True, timeout=60)
    store = SqliteStore(path)
    try:
        assert store.items("shop", "users") == [("1", {"id": 1})]
        assert store.deleted("shop", "users", "2")
    finally:
        store.close()


def test_sqlite_file_layout(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = SqliteStore(path)
    store.put("shop", "users", "1", {"id": 1})
    store.delete("shop", "users", "2")
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "1"
        rows = raw.execute("SELECT key, typeof(value), value, deleted FROM entries ORDER BY seq").fetchall()
        assert rows == [("1", "text", '{"id":1}', 0), ("2", "null", None, 1)]
    finally:
        raw.close()
        store.close()


def test_sqlite_version_follows_every_connections_entries_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store, other = SqliteStore(path), SqliteStore(path)
    try:
        first = store.version()
        other.put("shop", "users", "1", 1)
        second = store.version()
        assert second != first
        raw = sqlite3.connect(path)
        with raw:  # another table of the file, as the request log of `serve --workers`
            raw.execute("CREATE TABLE elsewhere (x)")
            raw.execute("INSERT INTO elsewhere VALUES (1)")
        raw.close()
        assert store.version() == second
        store.delete("shop", "users", "1")
        assert store.version() not in (first, second)
    finally:
        store.close()
        other.close()


def test_sqlite_adds_the_generation_to_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStore(path).close()
    raw = sqlite3.connect(path)
    with raw:  # as a file from before the generation was kept
        for event in ("insert", "update", "delete"):
            raw.execute(f"DROP TRIGGER entries_{event}")
        raw.execute("DELETE FROM meta WHERE key = 'generation'")
    raw.close()
    store = SqliteStore(path)
    try:
        before = store.version()
        store.put("shop", "users", "1", 1)
        assert store.version() != before
    finally:
        store.close()


def test_sqlite_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SqliteStore(path).close()
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    raw.close()
    with pytest.raises(StateError, match=r"schema version 2, newer than this specmock reads \(1\)") as caught:
        SqliteStore(path)
    assert str(path) in str(caught.value)


def test_sqlite_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    content = b"These are my notes, not a database.\n" * 20
    path.write_bytes(content)
    with pytest.raises(StateError, match="not a specmock state database") as caught:
        SqliteStore(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_sqlite_refuses_another_applications_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    raw.close()
    with pytest.raises(StateError, match="another application") as caught:
        SqliteStore(path)
    assert str(path) in str(caught.value)


def test_sqlite_refuses_a_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "state.db"
    with pytest.raises(StateError, match="does not exist") as caught:
        SqliteStore(path)
    assert str(path) in str(caught.value)
    assert not (tmp_path / "no").exists()


def test_sqlite_refuses_a_folder_as_the_file(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="it is a folder") as caught:
        SqliteStore(tmp_path)
    assert str(tmp_path) in str(caught.value)


def _open_as_unprivileged_user(path: Path) -> str:
    """Open a store at `path` in a forked child running as `nobody`; return the error it met."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, try, report, and leave without running pytest's teardown
        os.close(read)
        message = "opened"
        try:
            os.setgid(65534)
            os.setuid(65534)
            SqliteStore(path).close()
        except StateError as error:
            message = str(error)
        except BaseException as error:  # noqa: BLE001 - reported to the parent as text
            message = f"unexpected {error!r}"
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        message = pipe.read()
    os.waitpid(pid, 0)
    return message


def test_sqlite_refuses_an_unwritable_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # Root writes anywhere, so the check runs as `nobody` on a folder only root may write.
        folder = Path(tempfile.mkdtemp(prefix="specmock-locked-", dir="/tmp"))
        try:
            message = _open_as_unprivileged_user(folder / "state.db")
        finally:
            folder.rmdir()
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            with pytest.raises(StateError) as caught:
                SqliteStore(folder / "state.db")
            message = str(caught.value)
        finally:
            folder.chmod(0o700)
    assert "not writable" in message
    assert str(folder / "state.db") in message


# The --state flag.


def test_open_store_memory() -> None:
    store = open_store("memory")
    assert isinstance(store, MemoryStore)
    store.close()


def test_open_store_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = open_store(f"sqlite:{path}")
    try:
        assert isinstance(store, SqliteStore)
        assert store.path == path
        store.put("a", "e", "k", 1)
    finally:
        store.close()
    assert path.is_file()


def test_open_store_sqlite_missing_folder_is_a_state_error(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="does not exist"):
        open_store(f"sqlite:{tmp_path / 'missing' / 'state.db'}")


BAD_STATE = ["", "Memory", "memory ", "sqlite", "sqlite:", "sqlite:  ", "redis://localhost", "x.db"]


@pytest.mark.parametrize("spec", BAD_STATE)
def test_open_store_bad_values(spec: str) -> None:
    with pytest.raises(ConfigError) as caught:
        open_store(spec)
    message = str(caught.value)
    assert repr(spec) in message
    assert '"memory"' in message
    assert '"sqlite:<path>"' in message
