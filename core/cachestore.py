"""The cache's disk: an SQLite index and one file per value, safe across processes.

Writes go to a temporary file that `os.replace` moves into place, and the index row is
added only after that, so an interrupted write leaves at most an orphan temporary file,
never an entry that reads back wrong. The index records each file's size and is
checked on every read (a truncated file is discarded). SQLite runs in WAL mode with a
busy timeout, so two kernels can share a directory. Past `max_bytes`, the least
recently used entries are removed.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cacheformat
from .cacheformat import Format

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    node TEXT NOT NULL,
    created REAL NOT NULL,
    last_used REAL NOT NULL,
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    code TEXT NOT NULL,
    packages TEXT NOT NULL,
    compute_seconds REAL NOT NULL,
    file TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_by_use ON entries (last_used);
CREATE INDEX IF NOT EXISTS entries_by_node ON entries (node);
"""
_COLUMNS = "key, node, created, last_used, size, format, code, packages, compute_seconds, file"


@dataclass(frozen=True)
class Entry:
    """One stored value, as the index describes it."""

    key: str
    node: str
    created: float  # time.time() when it was computed
    last_used: float
    size: int  # bytes on disk
    format: Format
    code: str  # the node's code fingerprint and package versions, for `flow.cache`
    packages: str
    compute_seconds: float
    file: str  # under values/; unique per write, so two writers of one key never mix files


def _retry_locked(statement: Callable[[], object], seconds: float = 30.0) -> None:
    """Run a set-up statement, waiting while another process holds the database.

    Switching a new index to WAL while another kernel does the same can fail at once
    with "database is locked" (SQLite does not call its busy handler there)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Store:
    """Responsibilities: index rows and value files; atomic writes; LRU eviction."""

    def __init__(self, path: str | os.PathLike[str], max_bytes: int) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.values = self.path / "values"
        self.values.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path / "index.sqlite", timeout=30, isolation_level=None,
                                   check_same_thread=False)
        _retry_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses the last rows, never corrupts
        _retry_locked(lambda: self._db.executescript(_SCHEMA))
        with self._transaction():  # a read-only index fails here; later writes start warm
            pass
        probe = self.values / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")  # fail here, clearly, rather than on the first stored value
        probe.unlink()

    # -- reading -------------------------------------------------------------------
    def lookup(self, keys: Iterable[str]) -> dict[str, Entry]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Entry] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on host parameters
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM entries WHERE key IN ({marks})", chunk)
            found.update((row[0], Entry(*row)) for row in rows)
        return found

    def read(self, entry: Entry) -> Any:
        """The stored value; raises OSError or the format's error when the file is bad.

        Another process may have replaced the entry since it was looked up (and removed
        the old file): then the newer row is read."""
        for _ in range(3):
            file = self.values / entry.file
            try:
                size = file.stat().st_size
                if size != entry.size:
                    msg = f"{file} has {size} bytes, the index says {entry.size}"
                    raise OSError(msg)
                return cacheformat.load(str(file), entry.format)
            except FileNotFoundError:
                newer = self.lookup([entry.key]).get(entry.key)
                if newer is None or newer.file == entry.file:
                    raise
                entry = newer
        raise FileNotFoundError(entry.file)

    def touch(self, keys: Iterable[str]) -> None:
        """Mark entries used now (one transaction for a whole run's hits)."""
        now = time.time()
        rows = [(now, key) for key in keys]
        if rows:
            with self._transaction():
                self._db.executemany("UPDATE entries SET last_used = ? WHERE key = ?", rows)

    def entries(self, node: str | None = None) -> list[Entry]:
        query = f"SELECT {_COLUMNS} FROM entries"
        args: tuple[str, ...] = ()
        if node is not None:
            query += " WHERE node = ?"
            args = (node,)
        return [Entry(*row) for row in self._db.execute(query + " ORDER BY created", args)]

    def total_bytes(self) -> int:
        total = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
        return int(total)

    # -- writing -------------------------------------------------------------------
    def write(self, key: str, node: str, value: Any, fmt: Format, meta: Mapping[str, Any]) -> Entry | None:
        """Store a value; None when it is larger than the whole cache may be."""
        folder = self.values / key[:2]
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        name = f"{key[:2]}/{key}-{os.path.basename(temporary)[len(key) + 2:-4]}.{fmt}"
        try:
            with os.fdopen(handle, "wb") as file:
                cacheformat.dump(value, file, fmt)
            size = os.path.getsize(temporary)
            if size > self.max_bytes:
                os.unlink(temporary)
                return None
            os.replace(temporary, self.values / name)
        except BaseException:  # Ctrl-C included: never leave the temporary file behind
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        now = time.time()
        entry = Entry(key, node, meta.get("created", now), now, size, fmt, meta.get("code", ""),
                      meta.get("packages", ""), float(meta.get("compute_seconds", 0.0)), name)
        with self._transaction():
            old = self._db.execute("SELECT file FROM entries WHERE key = ?", (key,)).fetchone()
            self._db.execute(f"INSERT OR REPLACE INTO entries ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             (entry.key, entry.node, entry.created, entry.last_used, entry.size,
                              entry.format, entry.code, entry.packages, entry.compute_seconds, name))
        if old is not None and old[0] != name:  # another writer's copy of the same value
            (self.values / old[0]).unlink(missing_ok=True)
        self.evict()
        return entry

    def discard(self, entries: Iterable[Entry]) -> int:
        """Remove entries: rows first, then files (a reader that finds no file has a miss)."""
        gone = list(entries)
        if not gone:
            return 0
        with self._transaction():
            self._db.executemany("DELETE FROM entries WHERE key = ? AND file = ?",
                                 [(e.key, e.file) for e in gone])
        for entry in gone:
            (self.values / entry.file).unlink(missing_ok=True)
        return len(gone)

    def evict(self) -> int:
        """Remove the least recently used entries until the cache fits in `max_bytes`."""
        excess = self.total_bytes() - self.max_bytes
        if excess <= 0:
            return 0
        victims = []
        for row in self._db.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY last_used, created"):
            victims.append(Entry(*row))
            excess -= row[4]
            if excess <= 0:
                break
        return self.discard(victims)

    def clear(self, node: str | None = None) -> int:
        removed = self.discard(self.entries(node))
        if node is None:  # also files no row names: left by writers killed mid-write
            for stray in self.values.glob("*/*"):
                stray.unlink(missing_ok=True)
        return removed

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:  # threads of this process share the connection: one transaction at a time
            self._db.execute("BEGIN IMMEDIATE")  # the write lock now: other processes wait (busy timeout)
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
