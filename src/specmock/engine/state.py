"""The write overlay: changes made through a mock, keyed by (api, entity, key), over generated base data.

Only writes are stored, so memory grows with writes, not with the size of the generated data. A
DELETE leaves a tombstone so the base entity under it stays hidden. Values are kept as JSON text
in both stores: what `get` returns is always a fresh copy, and the two stores behave the same
(tuples come back as lists, non-string object keys as strings).

Order is deterministic everywhere: `items` lists one entity's entries in insertion order; putting
a key again keeps its original position, while putting a key after deleting it moves it to the
end, as a new entity would be. `export` lists APIs and entities sorted by name, each in insertion
order, and `load` of that snapshot restores the same order.

A read-modify-write (a claim, a counter) runs in `transaction()`: its reads and writes are one
atomic unit that other threads, and with SQLite other processes, cannot interleave with, and an
exception inside it writes nothing. `compare_and_set` and `update` are built on it. A nested
transaction joins the outer one. Code on an event loop must not await inside a transaction: the
lock belongs to the thread, so another task on the same loop would walk straight in.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from specmock.errors import ConfigError, SpecmockError

__all__ = [
    "SNAPSHOT_VERSION",
    "MemoryStore",
    "SqliteStore",
    "StateError",
    "Store",
    "compare_and_set",
    "open_store",
    "update",
]

SNAPSHOT_VERSION = 1
SCHEMA_VERSION = 1
TIMEOUT = 5.0  # seconds a SQLite store waits for another connection's write lock
# "SPMK": marks a SQLite file as ours, so another application's database is never written to.
APPLICATION_ID = 0x53504D4B

_ENTRY_FIELDS = ("api", "entity", "key", "value", "deleted")


class StateError(SpecmockError):
    """State that cannot be opened, stored or loaded: names the file, entry or key at fault."""


@runtime_checkable
class Store(Protocol):
    """Where the write overlay lives: memory by default, SQLite to survive a restart."""

    def get(self, api: str, entity: str, key: str) -> Any | None:
        """The stored JSON value, or None when absent or deleted."""

    def put(self, api: str, entity: str, key: str, value: Any) -> None:
        """Store a JSON value, replacing any earlier value or tombstone."""

    def delete(self, api: str, entity: str, key: str) -> None:
        """Record a tombstone, so the base entity under the key reads as deleted."""

    def deleted(self, api: str, entity: str, key: str) -> bool:
        """Whether the key carries a tombstone."""

    def items(self, api: str, entity: str) -> list[tuple[str, Any]]:
        """The stored (key, value) pairs of one entity in insertion order, tombstones left out."""

    def count(self, api: str, entity: str) -> int:
        """How many values one entity stores, tombstones left out."""

    def reset(self, api: str | None = None) -> None:
        """Forget everything, or everything of one API."""

    def export(self) -> dict[str, Any]:
        """A JSON-able snapshot of every entry, tombstones included."""

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the contents with a snapshot; an invalid one raises StateError and changes nothing."""

    def close(self) -> None:
        """Release the store; later calls raise StateError."""

    def version(self) -> int:
        """A number that changes whenever the contents may have changed, by any process."""

    def transaction(self) -> AbstractContextManager[None]:
        """Make the reads and writes inside the block one atomic unit; on an exception nothing is written."""

    def compare_and_set(self, api: str, entity: str, key: str, expected: Any, new: Any) -> bool:
        """Put `new` only if the value is `expected` now (None: absent or deleted); whether it did."""

    def update(self, api: str, entity: str, key: str, fn: Callable[[Any | None], Any]) -> Any:
        """Put fn(current value or None), atomically; the new value."""


def _same(a: Any, b: Any) -> bool:
    """Equality of JSON values: objects ignore key order, true is not 1 (Python's == says it is)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return not isinstance(b, dict | list) and bool(a == b)


def compare_and_set(store: Store, api: str, entity: str, key: str, expected: Any, new: Any) -> bool:
    """Store.compare_and_set for any store with transaction(), get() and put()."""
    # expected as a stored value reads back (tuples as lists), so a tuple can match what a tuple wrote
    wanted = None if expected is None else json.loads(_dumps(expected, _where(api, entity, key)))
    with store.transaction():
        current = store.get(api, entity, key)
        if not _same(current, wanted):
            return False
        store.put(api, entity, key, new)
        return True


def update(store: Store, api: str, entity: str, key: str, fn: Callable[[Any | None], Any]) -> Any:
    """Store.update for any store with transaction(), get() and put()."""
    with store.transaction():
        value = fn(store.get(api, entity, key))
        store.put(api, entity, key, value)
    return json.loads(_dumps(value, _where(api, entity, key)))


def _check_names(api: str, entity: str, key: str) -> None:
    # A non-string would be stored as-is by SQLite and then never match a string lookup.
    for name, part in (("api", api), ("entity", entity), ("key", key)):
        if not isinstance(part, str):
            raise TypeError(f"state {name} must be a str, not {type(part).__name__}")


def _dumps(value: Any, where: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise StateError(f"{where}: the value cannot be stored as JSON ({exc})") from None


def _where(api: str, entity: str, key: str) -> str:
    return f"state {api!r}/{entity!r}/{key!r}"


def _entry(api: str, entity: str, key: str, text: str | None) -> dict[str, Any]:
    if text is None:
        return {"api": api, "entity": entity, "key": key, "deleted": True}
    return {"api": api, "entity": entity, "key": key, "value": json.loads(text)}


def _validate(snapshot: object) -> list[tuple[str, str, str, str | None]]:
    """Check a whole snapshot before anything is replaced; entries as (api, entity, key, JSON text or None)."""
    if not isinstance(snapshot, dict):
        raise StateError(f"state snapshot must be an object, not {type(snapshot).__name__}")
    unknown = sorted(str(name) for name in snapshot if name not in ("version", "entries"))
    if unknown:
        raise StateError(f"state snapshot has unknown field(s) {', '.join(unknown)}; expected version and entries")
    version = snapshot.get("version")
    if version is None:
        raise StateError("state snapshot has no 'version'")
    if isinstance(version, bool) or not isinstance(version, int):
        raise StateError(f"state snapshot 'version' must be an integer, not {version!r}")
    if version > SNAPSHOT_VERSION:
        raise StateError(
            f"state snapshot version {version} is newer than this specmock reads ({SNAPSHOT_VERSION}); upgrade specmock"
        )
    if version != SNAPSHOT_VERSION:
        raise StateError(f"state snapshot version {version} is not supported; expected {SNAPSHOT_VERSION}")
    entries = snapshot.get("entries")
    if not isinstance(entries, list):
        raise StateError(f"state snapshot 'entries' must be a list, not {type(entries).__name__}")
    out: list[tuple[str, str, str, str | None]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index, entry in enumerate(entries):
        place = f"state snapshot entries[{index}]"
        if not isinstance(entry, dict):
            raise StateError(f"{place} must be an object, not {type(entry).__name__}")
        extra = sorted(str(name) for name in entry if name not in _ENTRY_FIELDS)
        if extra:
            raise StateError(f"{place} has unknown field(s) {', '.join(extra)}; expected {', '.join(_ENTRY_FIELDS)}")
        names: list[str] = []
        for name in ("api", "entity", "key"):
            part = entry.get(name)
            if not isinstance(part, str):
                got = "nothing" if part is None else type(part).__name__
                raise StateError(f"{place}.{name} must be a string, not {got}")
            names.append(part)
        api, entity, key = names
        deleted = entry.get("deleted", False)
        if not isinstance(deleted, bool):
            raise StateError(f"{place}.deleted must be true or false, not {deleted!r}")
        text: str | None
        if deleted:
            if "value" in entry:
                raise StateError(f"{place} is deleted and must not have a value")
            text = None
        else:
            if "value" not in entry:
                raise StateError(f"{place} has no value and is not deleted")
            text = _dumps(entry["value"], f"{place}.value")
        first = seen.setdefault((api, entity, key), index)
        if first != index:
            raise StateError(f"{place} repeats {api!r}/{entity!r}/{key!r} from entries[{first}]")
        out.append((api, entity, key, text))
    return out


@dataclass
class _Bucket:
    """One entity's overlay: key -> JSON text, or None for a tombstone, in insertion order."""

    entries: dict[str, str | None] = field(default_factory=dict)
    live: int = 0

    def copy(self) -> _Bucket:
        """An independent copy, to restore when a transaction fails."""
        return _Bucket(dict(self.entries), self.live)


class MemoryStore:
    """The default store: a process-local overlay, gone when the process ends."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        # re-entrant: a transaction holds it while the calls inside it take it again
        self._lock = threading.RLock()
        self._closed = False
        self._writes = 0
        self._depth = 0  # transactions open in the thread that holds the lock
        # What a failing transaction restores: each bucket as it was before its first write
        # (None: it did not exist), or everything, once a reset or load replaced the buckets.
        self._undo: dict[tuple[str, str], _Bucket | None] = {}
        self._before: dict[tuple[str, str], _Bucket] | None = None

    def _check_open(self) -> None:
        if self._closed:
            raise StateError("the in-memory state store is closed")

    def _remember(self, name: tuple[str, str]) -> None:
        """Before a write to one bucket inside a transaction: keep what it was."""
        if self._depth and self._before is None and name not in self._undo:
            bucket = self._buckets.get(name)
            self._undo[name] = None if bucket is None else bucket.copy()

    def _remember_all(self) -> None:
        """Before a reset or load inside a transaction: keep everything as it was when the transaction began."""
        if self._depth and self._before is None:
            before = {name: bucket.copy() for name, bucket in self._buckets.items()}
            for name, kept in self._undo.items():
                if kept is None:
                    before.pop(name, None)
                else:
                    before[name] = kept
            self._before = before

    def _rollback(self) -> None:
        if self._before is not None:
            self._buckets = self._before
        else:
            for name, kept in self._undo.items():
                if kept is None:
                    self._buckets.pop(name, None)
                else:
                    self._buckets[name] = kept
        self._writes += 1

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store's lock for the block, so other threads wait; on an exception undo its writes."""
        with self._lock:
            self._check_open()
            self._depth += 1
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._rollback()
                raise
            finally:
                self._depth -= 1
                if not self._depth:
                    self._undo, self._before = {}, None

    def compare_and_set(self, api: str, entity: str, key: str, expected: Any, new: Any) -> bool:
        """Put `new` only if the value is `expected` now (None: absent or deleted); whether it did."""
        return compare_and_set(self, api, entity, key, expected, new)

    def update(self, api: str, entity: str, key: str, fn: Callable[[Any | None], Any]) -> Any:
        """Put fn(current value or None), atomically; the new value."""
        return update(self, api, entity, key, fn)

    def get(self, api: str, entity: str, key: str) -> Any | None:
        """The stored JSON value, or None when absent or deleted."""
        _check_names(api, entity, key)
        with self._lock:
            self._check_open()
            bucket = self._buckets.get((api, entity))
            text = None if bucket is None else bucket.entries.get(key)
        return None if text is None else json.loads(text)

    def put(self, api: str, entity: str, key: str, value: Any) -> None:
        """Store a JSON value, replacing any earlier value or tombstone."""
        _check_names(api, entity, key)
        text = _dumps(value, _where(api, entity, key))
        with self._lock:
            self._check_open()
            self._writes += 1
            self._remember((api, entity))
            bucket = self._buckets.setdefault((api, entity), _Bucket())
            if key in bucket.entries:
                if bucket.entries[key] is None:
                    # A recreated entity is new: it goes to the end, as it does in SqliteStore.
                    del bucket.entries[key]
                    bucket.live += 1
            else:
                bucket.live += 1
            bucket.entries[key] = text

    def delete(self, api: str, entity: str, key: str) -> None:
        """Record a tombstone, so the base entity under the key reads as deleted."""
        _check_names(api, entity, key)
        with self._lock:
            self._check_open()
            self._writes += 1
            self._remember((api, entity))
            bucket = self._buckets.setdefault((api, entity), _Bucket())
            if bucket.entries.get(key) is not None:
                bucket.live -= 1
            bucket.entries[key] = None

    def deleted(self, api: str, entity: str, key: str) -> bool:
        """Whether the key carries a tombstone."""
        _check_names(api, entity, key)
        with self._lock:
            self._check_open()
            bucket = self._buckets.get((api, entity))
            return bucket is not None and key in bucket.entries and bucket.entries[key] is None

    def items(self, api: str, entity: str) -> list[tuple[str, Any]]:
        """The stored (key, value) pairs of one entity in insertion order, tombstones left out."""
        with self._lock:
            self._check_open()
            bucket = self._buckets.get((api, entity))
            pairs = [] if bucket is None else [(k, t) for k, t in bucket.entries.items() if t is not None]
        return [(k, json.loads(t)) for k, t in pairs]

    def count(self, api: str, entity: str) -> int:
        """How many values one entity stores, tombstones left out."""
        with self._lock:
            self._check_open()
            bucket = self._buckets.get((api, entity))
            return 0 if bucket is None else bucket.live

    def reset(self, api: str | None = None) -> None:
        """Forget everything, or everything of one API."""
        with self._lock:
            self._check_open()
            self._writes += 1
            self._remember_all()
            if api is None:
                self._buckets = {}
            else:
                self._buckets = {name: bucket for name, bucket in self._buckets.items() if name[0] != api}

    def export(self) -> dict[str, Any]:
        """A JSON-able snapshot of every entry, tombstones included, APIs and entities sorted by name."""
        with self._lock:
            self._check_open()
            rows = [
                (api, entity, key, text)
                for api, entity in sorted(self._buckets)
                for key, text in self._buckets[api, entity].entries.items()
            ]
        return {"version": SNAPSHOT_VERSION, "entries": [_entry(*row) for row in rows]}

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the contents with a snapshot; an invalid one raises StateError and changes nothing."""
        rows = _validate(snapshot)
        buckets: dict[tuple[str, str], _Bucket] = {}
        for api, entity, key, text in rows:
            bucket = buckets.setdefault((api, entity), _Bucket())
            bucket.entries[key] = text
            bucket.live += int(text is not None)
        with self._lock:
            self._check_open()
            self._writes += 1
            self._remember_all()
            self._buckets = buckets

    def version(self) -> int:
        """The number of writes so far: it changes with every put, delete, reset and load."""
        with self._lock:
            return self._writes

    def close(self) -> None:
        """Release the store; later calls raise StateError."""
        with self._lock:
            self._closed = True
            self._buckets = {}


_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # seq orders one entity's entries; a tombstone has value NULL (JSON null is the text 'null').
    "CREATE TABLE entries ("
    " api TEXT NOT NULL, entity TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
    " value TEXT, deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
    " PRIMARY KEY (api, entity, key))",
    "CREATE INDEX entries_order ON entries (api, entity, seq)",
)

# The generation version() reports: every row written to entries moves it, in the writer's own
# transaction, whichever connection or process writes (the triggers live in the file). SQLite's
# data_version would also move with writes to other tables of the file, such as the request log
# that `serve --workers` keeps there, which change nothing a store holds. Added to older files of
# the same schema version when they are opened; an older specmock writing the file moves it too.
_MOVE_GENERATION = "BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'; END"
_GENERATION = (
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', '0')",
    "CREATE TRIGGER IF NOT EXISTS entries_insert AFTER INSERT ON entries " + _MOVE_GENERATION,
    "CREATE TRIGGER IF NOT EXISTS entries_update AFTER UPDATE ON entries " + _MOVE_GENERATION,
    "CREATE TRIGGER IF NOT EXISTS entries_delete AFTER DELETE ON entries " + _MOVE_GENERATION,
)

# Upserts, a new entry going one past the entity's last position: one statement each, so each
# write is atomic and committed on its own (autocommit) outside a transaction.
# In SET, column names refer to the row before the update, so a tombstone is moved to the end.
_PUT = (
    "INSERT INTO entries (api, entity, key, seq, value, deleted) "
    "VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM entries WHERE api = ? AND entity = ?), ?, 0) "
    "ON CONFLICT (api, entity, key) DO UPDATE SET value = excluded.value, deleted = 0, "
    "seq = CASE WHEN deleted THEN excluded.seq ELSE seq END"
)
_DELETE = (
    "INSERT INTO entries (api, entity, key, seq, value, deleted) "
    "VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM entries WHERE api = ? AND entity = ?), NULL, 1) "
    "ON CONFLICT (api, entity, key) DO UPDATE SET value = NULL, deleted = 1"
)


class SqliteStore:
    """A store in a SQLite file (WAL mode, each write committed) that survives a restart or a crash.

    One connection serves every thread, behind a re-entrant lock: a transaction holds the lock
    (so other threads wait) and SQLite's write lock (so other processes wait, up to the timeout).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._depth = 0  # transactions open in the thread that holds the lock
        self._check_path()
        try:
            # isolation_level=None: autocommit, so every write is durable once the call returns.
            # timeout: how long a write or BEGIN IMMEDIATE waits for another process's write lock.
            conn = sqlite3.connect(self.path, timeout=TIMEOUT, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StateError(f"cannot open state database {self.path}: {exc}") from None
        try:
            self._prepare(conn)
        except sqlite3.Error as exc:
            conn.close()
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
                raise StateError(f"{self.path} is not a specmock state database: it is not a SQLite file") from None
            raise StateError(f"cannot open state database {self.path}: {exc}") from None
        except StateError:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn

    def _check_path(self) -> None:
        path, folder = self.path, self.path.parent
        try:
            if not folder.is_dir():
                raise StateError(f"cannot open state database {path}: folder {folder} does not exist")
            # WAL mode creates -wal and -shm files beside the database, so the folder must be writable too.
            if not os.access(folder, os.W_OK | os.X_OK):
                raise StateError(f"cannot open state database {path}: folder {folder} is not writable")
            if path.is_dir():
                raise StateError(f"cannot open state database {path}: it is a folder")
            if path.exists() and not os.access(path, os.R_OK | os.W_OK):
                raise StateError(f"cannot open state database {path}: the file is not readable and writable")
        except OSError as exc:  # e.g. a folder on the way that this user may not enter
            raise StateError(f"cannot open state database {path}: {exc.strerror}") from None

    def _prepare(self, conn: sqlite3.Connection) -> None:
        # A read first, so a file that is not SQLite fails before anything could write to it.
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
            if app_id == 0 and not tables:
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            elif app_id != APPLICATION_ID:
                raise StateError(
                    f"{self.path} is not a specmock state database: it is a SQLite database of another application"
                )
            else:
                self._check_version(conn)
            for statement in _GENERATION:
                conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        # Journal mode cannot change inside a transaction; WAL is then remembered by the file itself.
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # In WAL mode NORMAL loses nothing when the process dies; only an OS crash may drop the last writes.
        conn.execute("PRAGMA synchronous = NORMAL")

    def _check_version(self, conn: sqlite3.Connection) -> None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            row = None
        version = None if row is None else str(row[0])
        if version is None or not version.isdigit():
            raise StateError(f"{self.path} is not a specmock state database: it has no valid schema version")
        if int(version) > SCHEMA_VERSION:
            raise StateError(
                f"state database {self.path} has schema version {version}, newer than this specmock reads "
                f"({SCHEMA_VERSION}); upgrade specmock or use another file"
            )
        if int(version) != SCHEMA_VERSION:
            raise StateError(f"state database {self.path} has unsupported schema version {version}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                raise StateError(f"the state database {self.path} is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StateError(f"state database {self.path}: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE (waiting for other writers up to the timeout), COMMIT at exit, ROLLBACK on an exception."""
        with self._connection() as conn:
            self._depth += 1
            try:
                if self._depth > 1:
                    yield
                    return
                # IMMEDIATE takes the write lock now: a read inside cannot go stale before its write
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                self._depth -= 1

    def compare_and_set(self, api: str, entity: str, key: str, expected: Any, new: Any) -> bool:
        """Put `new` only if the value is `expected` now (None: absent or deleted); whether it did."""
        return compare_and_set(self, api, entity, key, expected, new)

    def update(self, api: str, entity: str, key: str, fn: Callable[[Any | None], Any]) -> Any:
        """Put fn(current value or None), atomically; the new value."""
        return update(self, api, entity, key, fn)

    def version(self) -> int:
        """The file's write generation: it moves with every write to the entries, by any process."""
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def get(self, api: str, entity: str, key: str) -> Any | None:
        """The stored JSON value, or None when absent or deleted."""
        _check_names(api, entity, key)
        with self._connection() as conn:
            row = conn.execute(
                "SELECT value FROM entries WHERE api = ? AND entity = ? AND key = ?", (api, entity, key)
            ).fetchone()
        return None if row is None or row[0] is None else json.loads(row[0])

    def put(self, api: str, entity: str, key: str, value: Any) -> None:
        """Store a JSON value, replacing any earlier value or tombstone."""
        _check_names(api, entity, key)
        text = _dumps(value, _where(api, entity, key))
        with self._connection() as conn:
            conn.execute(_PUT, (api, entity, key, api, entity, text))

    def delete(self, api: str, entity: str, key: str) -> None:
        """Record a tombstone, so the base entity under the key reads as deleted."""
        _check_names(api, entity, key)
        with self._connection() as conn:
            conn.execute(_DELETE, (api, entity, key, api, entity))

    def deleted(self, api: str, entity: str, key: str) -> bool:
        """Whether the key carries a tombstone."""
        _check_names(api, entity, key)
        with self._connection() as conn:
            row = conn.execute(
                "SELECT deleted FROM entries WHERE api = ? AND entity = ? AND key = ?", (api, entity, key)
            ).fetchone()
        return row is not None and bool(row[0])

    def items(self, api: str, entity: str) -> list[tuple[str, Any]]:
        """The stored (key, value) pairs of one entity in insertion order, tombstones left out."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT key, value FROM entries WHERE api = ? AND entity = ? AND deleted = 0 ORDER BY seq",
                (api, entity),
            ).fetchall()
        return [(key, json.loads(text)) for key, text in rows]

    def count(self, api: str, entity: str) -> int:
        """How many values one entity stores, tombstones left out."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM entries WHERE api = ? AND entity = ? AND deleted = 0", (api, entity)
            ).fetchone()
        return int(row[0])

    def reset(self, api: str | None = None) -> None:
        """Forget everything, or everything of one API."""
        with self._connection() as conn:
            if api is None:
                conn.execute("DELETE FROM entries")
            else:
                conn.execute("DELETE FROM entries WHERE api = ?", (api,))

    def export(self) -> dict[str, Any]:
        """A JSON-able snapshot of every entry, tombstones included, APIs and entities sorted by name."""
        with self._connection() as conn:
            # BINARY collation compares UTF-8 bytes, which is code point order, as Python's sort.
            rows = conn.execute("SELECT api, entity, key, value FROM entries ORDER BY api, entity, seq").fetchall()
        return {"version": SNAPSHOT_VERSION, "entries": [_entry(*row) for row in rows]}

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the contents with a snapshot; an invalid one raises StateError and changes nothing."""
        rows = _validate(snapshot)
        numbered: list[tuple[str, str, str, int, str | None, int]] = []
        seqs: dict[tuple[str, str], int] = {}
        for api, entity, key, text in rows:
            seq = seqs[api, entity] = seqs.get((api, entity), 0) + 1
            numbered.append((api, entity, key, seq, text, int(text is None)))
        with self.transaction(), self._connection() as conn:
            conn.execute("DELETE FROM entries")
            conn.executemany(
                "INSERT INTO entries (api, entity, key, seq, value, deleted) VALUES (?, ?, ?, ?, ?, ?)", numbered
            )

    def close(self) -> None:
        """Release the store; later calls raise StateError."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def open_store(spec: str) -> Store:
    """The store a --state value names: "memory" or "sqlite:<path>"."""
    if spec == "memory":
        return MemoryStore()
    if spec.startswith("sqlite:") and spec[len("sqlite:") :].strip():
        return SqliteStore(Path(spec[len("sqlite:") :]).expanduser())
    raise ConfigError(f'--state {spec!r} is not understood; use "memory" or "sqlite:<path>" (e.g. sqlite:state.db)')
