"""`sideflow.Cache`: what to store, what a run found, and what the user is told.

Responsibilities: open the store (or explain why not and run without it); decide per
computed value whether storing it pays (measured compute time against the estimated
cost to save and load it); load entries, discarding bad ones with one warning;
remember the keys of values it produced, so results held in memory are not hashed;
show entries with their hit or miss in the last run. The store and the keys live in
`cachestore` and `cachekey`; running with a cache in `cacherun`.
"""

from __future__ import annotations

import os
import sys
import time
import types
import warnings
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .cachestore import Entry, Store
    from .node import Node

Behavior = Literal["auto", "always", "recompute"]
Outcome = Literal["hit", "stored", "computed", "uncached", "recompute"]

DEFAULT_MAX_BYTES = 5 * 2**30
_PAYS = 4.0  # store when computing takes at least this many times the estimated save + load
_FIXED_SECONDS = 0.002  # per entry: a file, a rename, an index row, and reading them back
_MIN_SECONDS = 0.02  # below this a node is recomputed: a pause of the machine must not look dear


_OUTCOMES = {"hit": "read from the cache", "stored": "computed and stored",
             "computed": "computed (cheaper than storing)", "uncached": "uncached (see .reasons)",
             "recompute": "recomputed (marked recompute)"}


class CacheWarning(UserWarning):
    """Something the cache could not do; results stay correct (it recomputes instead)."""


class Cache:
    """Results on disk, keyed by code, inputs, config and package versions."""

    def __init__(self, path: str | os.PathLike[str] = ".sideflow/cache",
                 max_bytes: int = DEFAULT_MAX_BYTES, store: Literal["auto", "all"] = "auto") -> None:
        """`store="auto"`: keep what is dearer to compute than to save and load (measured);
        `"all"`: keep every value that has a key (but not nodes marked "recompute")."""
        if store not in ("auto", "all"):
            msg = f"Cache(store={store!r}): use 'auto' or 'all'"
            raise ValueError(msg)
        self.path = Path(path).expanduser().absolute()
        self.max_bytes = int(max_bytes)
        self.policy = store
        self.last_run: dict[str, Outcome] = {}  # node -> what happened to it in the last run
        self.reasons: dict[str, str] = {}  # node -> why it was not cached, for the last run
        self.disabled: str | None = None  # why the cache is off, when it is
        self._told: set[str] = set()
        self._produced: dict[str, tuple[Any, int, str]] = {}  # node -> (weakref, id, key)
        self._write_rate = 300e6  # bytes per second, learned from this process's writes
        self._read_rate = 600e6
        self._store: Store | None = None
        import sqlite3

        from . import cacheruns, datahash  # noqa: F401  # loaded now, not in the first run
        from .cachestore import Store

        datahash.fingerprint_value(None)  # the hash library too
        try:
            try:
                self._store = Store(self.path, self.max_bytes)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, cannot open
                    raise
                reset(self.path)  # a damaged index ("not a database"): it is only a cache
                self.tell(f"sideflow: the cache index in {str(self.path)!r} was damaged ({exc}); "
                          "it was emptied and starts again")
                self._store = Store(self.path, self.max_bytes)
        except (OSError, sqlite3.Error) as exc:
            self.disabled = f"{type(exc).__name__}: {exc}"
            self.tell(f"sideflow: cannot use the cache directory {str(self.path)!r} ({self.disabled}); "
                      "running without a cache (fix: give a writable directory, cache=\"DIR\")")

    @property
    def store(self) -> Store | None:
        return self._store

    # -- what the user sees --------------------------------------------------------
    def entries(self, node: str | None = None) -> list[Entry]:
        return [] if self._store is None else self._store.entries(node)

    def clear(self, node: str | None = None) -> int:
        """Remove every entry (or one node's); returns how many were removed."""
        self._produced.clear() if node is None else self._produced.pop(node, None)
        return 0 if self._store is None else self._store.clear(node)

    def total_bytes(self) -> int:
        return 0 if self._store is None else self._store.total_bytes()

    def rows(self) -> list[dict[str, Any]]:
        """One row per entry: node, size, age, computed in, and what the last run did."""
        now = time.time()
        return [
            {"node": e.node, "size": _size(e.size), "age": _age(now - e.created),
             "computed in": f"{e.compute_seconds:.3g} s", "format": e.format,
             "last run": self.last_run.get(e.node, "")}
            for e in self.entries()
        ]

    def _summary(self) -> list[str]:
        """The first lines of the repr: where, how much, and what the last run did."""
        if self._store is None:
            return [f"Cache({str(self.path)!r}: off, {self.disabled})"]
        lines = [f"Cache({str(self.path)!r}: {len(self.entries())} entries, "
                 f"{_size(self.total_bytes())} of {_size(self.max_bytes)})"]
        counts: dict[str, int] = {}
        for outcome in self.last_run.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        if counts:
            lines.append("last run: " + ", ".join(f"{n} {_OUTCOMES[o]}" for o, n in counts.items()))
        return lines

    def __repr__(self) -> str:
        lines = self._summary()
        rows = self.rows()
        if rows:
            columns = list(rows[0])
            widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
            lines.append("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
            lines += ["  ".join(str(r[c]).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
                      for r in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        head = "<br>".join(html.escape(line) for line in self._summary())
        rows = self.rows()
        if not rows:
            return f"<p>{head}</p>"
        cells = "".join("<th>" + html.escape(c) + "</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r.values()) + "</tr>"
                       for r in rows)
        return f"<p>{head}</p><table><tr>{cells}</tr>{body}</table>"

    def tell(self, message: str, once: str | None = None) -> None:
        """Warn once per distinct message, or per `once` (a notebook re-runs the same call
        all day; one warning is news, twenty are noise)."""
        seen = message if once is None else once
        if seen in self._told:
            return
        self._told.add(seen)
        here = os.path.dirname(__file__)
        level = 1
        frame: types.FrameType | None = sys._getframe()
        while frame is not None and frame.f_code.co_filename.startswith(here):  # point at user code
            frame, level = frame.f_back, level + 1
        warnings.warn(message, CacheWarning, stacklevel=level)

    # -- keys of values in memory --------------------------------------------------
    def known_key(self, name: str, value: Any) -> str | None:
        held = self._produced.get(name)
        if held is not None and held[1] == id(value) and held[0]() is value:
            return held[2]
        return None

    def remember(self, name: str, value: Any, key: str) -> None:
        try:
            self._produced[name] = (weakref.ref(value), id(value), key)
        except TypeError:  # ints, lists, dicts: cheap to fingerprint again
            self._produced.pop(name, None)

    # -- the policy ----------------------------------------------------------------
    def load(self, entry: Entry, keep: bool = False) -> tuple[bool, Any]:
        """`(True, value)`, or `(False, None)` when the entry is gone or bad (discarded).

        An entry slower to load than its value was to compute is dropped after this load
        (unless `keep`: the node asked to be stored), so the next run recomputes it."""
        assert self._store is not None
        started = time.perf_counter()
        try:
            value = self._store.read(entry)
        except FileNotFoundError:  # removed by another process since the lookup: a miss
            return False, None
        except Exception as exc:
            self._store.discard([entry])
            self.tell(f"sideflow: discarded an unreadable cache entry for {entry.node!r} "
                      f"({type(exc).__name__}: {exc}); it is computed again")
            return False, None
        seconds = time.perf_counter() - started
        self._read_rate = _learn(self._read_rate, entry.size, seconds)
        if not keep and self.policy == "auto" and 0 < entry.compute_seconds < seconds:
            self._store.discard([entry])  # slower to load than to compute: recompute next time
        return True, value

    def offer(self, node: Node, key: str, value: Any, seconds: float, meta: Mapping[str, str]) -> Outcome:
        """Store a computed value if that pays (or the node asks for it); say what happened."""
        from .cacheformat import choose_format

        assert self._store is not None
        behavior = behavior_of(node)
        if behavior == "recompute":
            return "recompute"
        if behavior == "auto" and self.policy == "auto" and (
            seconds < _MIN_SECONDS or seconds < _PAYS * self._io_seconds(_size_hint(value))
        ):
            return "computed"
        fmt = choose_format(value, node.tags.get("cache_format", node.tags.get("cache.format")))
        started = time.perf_counter()
        try:
            entry = self._store.write(key, node.name, value, fmt,
                                      {**meta, "compute_seconds": seconds, "created": time.time()})
        except OSError as exc:
            self.tell(f"sideflow: could not write to the cache ({type(exc).__name__}: {exc}); "
                      "results are correct but not stored")
            return "computed"
        except Exception as exc:  # the value cannot be pickled: it is recomputed each run
            self.tell(f"sideflow: the result of {node.name!r} cannot be stored "
                      f"({type(exc).__name__}: {exc}); it is computed each run")
            return "computed"
        if entry is None:
            return "computed"  # larger than the whole cache
        self._write_rate = _learn(self._write_rate, entry.size, time.perf_counter() - started)
        return "stored"

    def _io_seconds(self, size: int) -> float:
        return _FIXED_SECONDS + size / self._write_rate + size / self._read_rate


def reset(path: Path) -> None:
    """Remove a cache's index and values (nothing else in the folder)."""
    import shutil

    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (path / name).unlink(missing_ok=True)
    shutil.rmtree(path / "values", ignore_errors=True)


def as_cache(cache: object) -> Cache | None:
    """`cache=` of `Dataflow`: a Cache, the directory of one, True (`.sideflow/cache`) or False.
    Typed `object`: callers without a type checker may pass anything."""
    if cache is False:
        return None
    if cache is True:
        return Cache()
    if isinstance(cache, Cache):
        return cache
    if not isinstance(cache, (str, os.PathLike)):
        msg = f"cache={cache!r}: give a directory (str or Path), sideflow.Cache(...), True or False"
        raise TypeError(msg)
    return Cache(cache)


def behavior_of(node: Node) -> Behavior:
    """`@sideflow.cache(...)` (tag `cache`), or Hamilton's `@cache(behavior=...)`."""
    value = str(node.tags.get("cache", node.tags.get("cache.behavior", "auto"))).lower()
    if value in ("false", "recompute", "disable", "ignore", "no"):
        return "recompute"
    if value in ("true", "always", "yes"):
        return "always"
    return "auto"


def _learn(rate: float, size: int, seconds: float) -> float:
    if size < 1 << 20 or seconds <= 0:
        return rate  # small files measure the fixed cost, not the rate
    return 0.7 * rate + 0.3 * (size / seconds)


def _size_hint(value: Any) -> int:
    """Bytes to save, roughly, without serializing: buffers for arrays and frames."""
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):  # numpy arrays, pandas Series and Index
        return nbytes
    usage = getattr(value, "memory_usage", None)
    if callable(usage) and type(value).__module__.startswith("pandas"):
        try:
            total = usage(index=True, deep=False)
            return int(total.sum() if hasattr(total, "sum") else total)
        except Exception:
            return sys.getsizeof(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        items = list(value.values() if isinstance(value, dict) else value)[:100]
        each = sum(_size_hint(v) for v in items) / max(len(items), 1)
        return sys.getsizeof(value) + int(each * len(value))
    return sys.getsizeof(value)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _age(seconds: float) -> str:
    for unit, span in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= span:
            return f"{seconds / span:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"
