"""Markdown report: machine header, per-node tables with ratios and targets, import times."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from benchmarks.generate import Case
from benchmarks.timing import Timing

# Targets from the sideflow plan: how far above the plain-Python floor we accept.
BUILD_TARGET = 1.5  # sideflow build <= 1.5x the floor, at every N
EXECUTE_TARGET = 4.0  # sideflow run <= 4x the plain loop ...
EXECUTE_TARGET_MIN_N = 1000  # ... at N >= 1000 (below that, fixed costs dominate)
IMPORT_TARGET_MS = 60.0  # wall time of `python -c "import sideflow"`


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def header(argv: Sequence[str], repeats: int, quick: bool) -> str:
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return "\n".join(
        [
            "# sideflow benchmarks",
            "",
            f"- date: {now}",
            f"- command: `{shlex.join(['python', *argv])}`" + (" (quick mode)" if quick else ""),
            f"- python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.platform()}",
            f"- CPU: {_cpu_model()}, os.cpu_count() = {os.cpu_count()}, "
            f"load average at start {_load()} (other work on the machine inflates the numbers)",
            f"- sideflow {_version('sideflow')}, apache-hamilton {_version('apache-hamilton')}",
            f"- median of {repeats} interleaved samples; gc disabled inside each timed sample",
        ]
    )


def _us(t: Timing, n: int) -> str:
    median = t.median_ns
    return (t.error or "–") if median is None else f"{median / n / 1000:.3g}"


def _ratio(top: Timing, bottom: Timing, target: float | None = None) -> str:
    if top.median_ns is None or bottom.median_ns is None:
        return "–"
    value = top.median_ns / bottom.median_ns
    text = f"{value:.2f}x" if value < 10 else f"{value:.0f}x"
    if target is not None:
        text += " ✓" if value <= target else " ✗"
    return text


_MEANING = {
    "build": (
        "Build: constructing + validating the DAG from an already-imported module. "
        "floor = `inspect.signature` per function + `graphlib.TopologicalSorter.static_order()`; "
        "sideflow = `sideflow.Dataflow(module)`; "
        "hamilton = `driver.Builder().with_modules(module).build()`."
    ),
    "execute": (
        "Execute: one run requesting every sink node (so every node is computed), "
        "on a DAG built beforehand. floor = a loop over a precomputed schedule; "
        "sideflow = `flow.run(sinks, inputs=...)`; hamilton = `dr.execute(sinks, inputs=...)` "
        "(dict result, no DataFrame)."
    ),
}


def graph_table(kind: str, rows: Sequence[tuple[Case, dict[str, Timing]]]) -> str:
    """One row per (shape, N): µs per node, then sideflow and hamilton against the floor."""
    if kind == "build":
        target, min_n = BUILD_TARGET, 0
    else:
        target, min_n = EXECUTE_TARGET, EXECUTE_TARGET_MIN_N
    where = f" at N ≥ {min_n}" if min_n else ""
    lines = [
        f"## {kind}",
        "",
        _MEANING[kind],
        "",
        "| shape | N | floor µs/node | sideflow µs/node | hamilton µs/node "
        f"| sideflow ÷ floor (target ≤ {target:g}x{where}) | hamilton ÷ floor "
        "| hamilton ÷ sideflow |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for case, t in rows:
        floor, side, ham = t["floor"], t["sideflow"], t["hamilton"]
        cells = [
            case.shape,
            str(case.n),
            _us(floor, case.n),
            _us(side, case.n),
            _us(ham, case.n),
            _ratio(side, floor, target if case.n >= min_n else None),
            _ratio(ham, floor),
            _ratio(ham, side),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def import_table(times: dict[str, Timing], own: dict[str, float | None], heavy: list[str] | None) -> str:
    """Fresh-process wall times; nothing subtracted, the bare interpreter is its own row."""
    lines = [
        "## import",
        "",
        "Wall time of a fresh `python -c ...` process, interpreter start-up included "
        "(the `pass` row is that baseline). The last column is what `python -X importtime` "
        "bills to the command's own imports (start-up excluded), median of 5 runs; the "
        "target applies to it, since start-up differs between installs (an editable install "
        "adds an import hook to every start-up). `.pyc` caches are on, as after `pip install`.",
        "",
        "| command | median ms | min ms | target (own imports) | -X importtime ms |",
        "|---|--:|--:|---|--:|",
    ]
    for label, t in times.items():
        self_ms = own.get(label)
        self_text = "–" if self_ms is None else f"{self_ms:.1f}"
        if t.median_ns is None:
            lines.append(f"| `{label}` | {t.error} | – | | {self_text} |")
            continue
        ms = t.median_ns / 1e6
        target = ""
        if label == "import sideflow" and self_ms is not None:
            target = f"≤ {IMPORT_TARGET_MS:g} ms " + ("✓" if self_ms <= IMPORT_TARGET_MS else "✗")
        lines.append(f"| `{label}` | {ms:.1f} | {min(t.samples) / 1e6:.1f} | {target} | {self_text} |")
    if heavy is not None:
        loaded = ", ".join(heavy) if heavy else "none"
        lines += ["", f"Heavy modules loaded by `import sideflow`: {loaded}."]
    return "\n".join(lines)
