"""What the workers of one `specmock serve --workers N` share, kept in the SQLite state file.

uvicorn's workers are processes, each with its own dispatcher: without a shared place, settings
changed through the admin API, the request numbers and the request log would each be one
worker's, and a fault seen on one worker (a pure function of seed, operation and request
number) would not replay on another. The board keeps them in two tables of the state file,
beside the entries and apart from them, so exporting, importing or resetting the state never
touches the settings:

- `board`, one row: the request counter, the settings as GET /_specmock/config shows them, and
  their generation, which moves with every change, so a worker reloads them only then;
- `board_requests`: the request log, in the order requests finished (about the last 200).

`specmock serve` starts the board once, before the workers exist: the flags' settings, request 0
and an empty log, as a single process starts. Workers join it and adopt the settings it holds,
so a worker that uvicorn restarts serves what the others serve. A single process has no board:
its counter, log and settings stay in memory.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from specmock.engine.state import TIMEOUT, StateError

LOG_SIZE = 200  # lines the admin API shows
_TRIM = 64  # the log is trimmed to LOG_SIZE every this many lines, not at every request

_TABLES = (
    "CREATE TABLE IF NOT EXISTS board ("
    " id INTEGER PRIMARY KEY CHECK (id = 0), requests INTEGER NOT NULL,"
    " generation INTEGER NOT NULL, settings TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS board_requests (id INTEGER PRIMARY KEY, line TEXT NOT NULL)",
)


class Board:
    """The workers' shared settings, request counter and request log, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            # a connection of its own: the store's lock need not be taken for every request
            self._conn: sqlite3.Connection | None = sqlite3.connect(
                self.path, timeout=TIMEOUT, isolation_level=None, check_same_thread=False
            )
            # per connection, not per file: FULL would sync the disk at every request's commit
            self._conn.execute("PRAGMA synchronous = NORMAL")
            for statement in _TABLES:
                self._conn.execute(statement)
        except sqlite3.Error as exc:
            raise StateError(f"state database {self.path}: cannot keep what the workers share: {exc}") from None

    @contextmanager
    def _db(self, atomic: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StateError(f"the workers' board in {self.path} is closed")
            try:
                if not atomic:
                    yield conn
                    return
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise StateError(f"state database {self.path} (what the workers share): {exc}") from None

    def start(self, settings: dict[str, Any]) -> None:
        """Begin a run of `serve`: these settings, request 0, an empty log."""
        text = json.dumps(settings, separators=(",", ":"))
        with self._db(atomic=True) as conn:
            conn.execute("DELETE FROM board_requests")
            conn.execute(
                "INSERT INTO board (id, requests, generation, settings) VALUES (0, 0, 1, ?) ON CONFLICT (id) "
                "DO UPDATE SET requests = 0, generation = generation + 1, settings = excluded.settings",
                (text,),
            )

    def settings(self) -> tuple[int, dict[str, Any]]:
        """The shared settings (as Settings.to_json shows them) and their generation."""
        with self._db() as conn:
            row = conn.execute("SELECT generation, settings FROM board WHERE id = 0").fetchone()
        if row is None:
            raise StateError(f"state database {self.path} has no workers' board; `specmock serve` starts it")
        return int(row[0]), json.loads(row[1])

    def generation(self) -> int:
        """A number that moves whenever the shared settings change."""
        with self._db() as conn:
            row = conn.execute("SELECT generation FROM board WHERE id = 0").fetchone()
        return 0 if row is None else int(row[0])

    def take(self) -> tuple[int, int]:
        """The next request number, across every worker, and the settings' generation at that moment."""
        with self._db() as conn:
            # fetchall: the statement must finish, or autocommit would keep the write lock
            rows = conn.execute(
                "UPDATE board SET requests = requests + 1 WHERE id = 0 RETURNING requests, generation"
            ).fetchall()
        if not rows:
            raise StateError(f"state database {self.path} has no workers' board; `specmock serve` starts it")
        return int(rows[0][0]), int(rows[0][1])

    def change(self, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        """Replace the shared settings by fn(current) in one transaction; the new generation and settings."""
        with self._db(atomic=True) as conn:
            row = conn.execute("SELECT settings FROM board WHERE id = 0").fetchone()
            if row is None:
                raise StateError(f"state database {self.path} has no workers' board; `specmock serve` starts it")
            changed = fn(json.loads(row[0]))
            rows = conn.execute(
                "UPDATE board SET settings = ?, generation = generation + 1 WHERE id = 0 RETURNING generation",
                (json.dumps(changed, separators=(",", ":")),),
            ).fetchall()
        return int(rows[0][0]), changed

    def record(self, line: list[Any]) -> None:
        """Add one line to the request log."""
        with self._db() as conn:
            cursor = conn.execute("INSERT INTO board_requests (line) VALUES (?)", (json.dumps(line),))
            last = cursor.lastrowid or 0
            if last % _TRIM == 0:
                conn.execute("DELETE FROM board_requests WHERE id <= ?", (last - LOG_SIZE,))

    def lines(self, limit: int) -> list[list[Any]]:
        """The last `limit` lines of the request log, newest first."""
        with self._db() as conn:
            rows = conn.execute(
                "SELECT line FROM board_requests ORDER BY id DESC LIMIT ?", (max(0, min(limit, LOG_SIZE)),)
            ).fetchall()
        return [json.loads(text) for (text,) in rows]

    def reset(self) -> None:
        """Forget the request count and log (not the settings): fault decisions replay from the start."""
        with self._db(atomic=True) as conn:
            conn.execute("UPDATE board SET requests = 0 WHERE id = 0")
            conn.execute("DELETE FROM board_requests")

    def close(self) -> None:
        """Release the connection; later calls raise StateError."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
