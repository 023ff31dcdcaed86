"""Timing helpers: gc-free samples, calibrated inner loops, interleaved round-robin medians."""

from __future__ import annotations

import gc
import math
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Per-call nanoseconds over the repeats, or the name of the exception that stopped it."""

    samples: tuple[float, ...] = ()
    error: str | None = None

    @property
    def median_ns(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None


def _timed(fn: Callable[[], object], loops: int) -> int:
    # gc off while timing: a collection triggered by one implementation's garbage
    # would otherwise be billed to whichever implementation happens to run next.
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(loops):
            fn()
        return time.perf_counter_ns() - start
    finally:
        gc.enable()


def round_robin(
    candidates: dict[str, Callable[[], object]], repeats: int, target_ns: int
) -> dict[str, Timing]:
    """Times every candidate `repeats` times, interleaved, each sample ~`target_ns` long.

    One untimed warm-up call per candidate catches exceptions (reported by type name,
    e.g. "RecursionError") and calibrates how many calls fit in one sample.
    """
    loops: dict[str, int] = {}
    results: dict[str, Timing] = {}
    for name, fn in candidates.items():
        try:
            warm = _timed(fn, 1)
        except Exception as exc:
            results[name] = Timing(error=type(exc).__name__)
            continue
        loops[name] = max(1, math.ceil(target_ns / max(warm, 1)))
    samples: dict[str, list[float]] = {name: [] for name in loops}
    names = list(loops)
    for r in range(repeats):
        # Rotate the start so no implementation always runs first (warm caches, turbo).
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            if name in results:
                continue
            try:
                samples[name].append(_timed(candidates[name], loops[name]) / loops[name])
            except Exception as exc:
                results[name] = Timing(error=type(exc).__name__)
    for name in names:
        results.setdefault(name, Timing(samples=tuple(samples[name])))
    return {name: results[name] for name in candidates}


def process_times(
    commands: Mapping[str, Sequence[str]],
    repeats: int,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Timing]:
    """Wall time of whole fresh processes, interleaved; a non-zero exit is an error."""
    results: dict[str, Timing] = {}
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for name, argv in commands.items():  # warm-up: writes .pyc files, fills the OS cache
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
            results[name] = Timing(error=lines[-1].split(":")[0])
    names = [name for name in commands if name not in results]
    for r in range(repeats):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            start = time.perf_counter_ns()
            subprocess.run(commands[name], cwd=cwd, env=env, capture_output=True, check=False)
            samples[name].append(time.perf_counter_ns() - start)
    for name in names:
        results[name] = Timing(samples=tuple(samples[name]))
    return {name: results[name] for name in commands}
