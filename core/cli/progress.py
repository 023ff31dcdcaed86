"""A line per node on stderr while a run goes (for long runs on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    """NodeHooks: `[3/7] name ...` while a node runs, replaced by `[3/7] name 120 ms` when
    it ends. With nodes running at once (an executor), only the finished lines."""

    def __init__(self, total: int, overlap: bool = False, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.overlap = overlap
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self._pending = False

    def before_node(self, name: str) -> None:
        if not self.overlap:
            self.stream.write(f"[{self.done + 1}/{self.total}] {name} ...")
            self.stream.flush()
            self._pending = True

    def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
        self.done += 1
        status = "failed" if error is not None else _seconds(seconds)
        self._line(f"[{self.done}/{self.total}] {name} {status}")

    def finish(self) -> None:
        self._line(f"done: {self.done} node{'s' if self.done != 1 else ''} in "
                   f"{_seconds(time.perf_counter() - self.started)}")

    def _line(self, text: str) -> None:
        prefix = "\r\033[K" if self._pending else ""
        self._pending = False
        self.stream.write(f"{prefix}{text}\n")
        self.stream.flush()


def _seconds(value: float) -> str:
    return f"{value * 1e3:.0f} ms" if value < 1 else f"{value:.2f} s"
