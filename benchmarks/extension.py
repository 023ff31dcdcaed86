"""The extension's per-cell costs: the pre-cell check, and edit -> rebuilt DAG.

Run: `.venv/bin/python -m benchmarks.extension [--repeats 7]`. Incumbents side by side,
interleaved in one process: IPython's `%autoreload 2` check (what runs before every cell
today) and Hamilton's loop (reload the module, rebuild the driver); the floor for a
rebuild is Python re-executing the module.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import generate, timing
from sideflow.extension import Session
from sideflow.sources import load_path


def _ms(t: timing.Timing) -> str:
    return "error: " + t.error if t.error else f"{(t.median_ns or 0) / 1e6:.3f} ms"


def _us(t: timing.Timing) -> str:
    return "error: " + t.error if t.error else f"{(t.median_ns or 0) / 1e3:.1f} us"


def hook_costs(folder: Path, repeats: int) -> list[str]:
    """Cost of the pre-cell check when nothing changed, for 1 and 10 attached modules."""
    from IPython.extensions.autoreload import ModuleReloader

    rows = ["| attached modules | sideflow check | `%autoreload 2` check | ratio |", "|---|---|---|---|"]
    for count in (1, 10):
        sessions = []
        for i in range(count):
            case = generate.generate("features", 100, seed=i)
            path = folder / f"hook_{count}_{i}.py"
            path.write_text(case.source)
            sessions.append(Session([path.name], cwd=folder, name=f"f{i}", printer=print))
        reloader = ModuleReloader()
        reloader.enabled = True
        reloader.check_all = True
        reloader.check()  # first pass records modification times

        def ours(sessions: list[Session] = sessions) -> None:
            for session in sessions:
                session.check()

        times = timing.round_robin({"sideflow": ours, "autoreload": reloader.check}, repeats, 20_000_000)
        ratio = (times["sideflow"].median_ns or 0) / (times["autoreload"].median_ns or 1)
        rows.append(f"| {count} | {_us(times['sideflow'])} | {_us(times['autoreload'])} | {ratio:.2f}x |")
    return rows


def rebuild_costs(folder: Path, repeats: int, n: int) -> list[str]:
    """Saving an edit to an n-function module, until the new DAG is ready."""
    case = generate.generate("features", n)
    path = folder / f"edit_{n}.py"
    path.write_text(case.source)
    session = Session([path.name], cwd=folder, printer=print)
    shown = Session([path.name], cwd=folder, printer=print, name="shown")
    _ = shown.widget  # with a live widget: rebuild also refreshes its scene and states
    twin = folder / f"hamilton_{n}.py"  # Hamilton reloads its own copy: sessions re-register theirs
    sys.path.insert(0, str(folder))
    turn = [0]

    def edit(target: Path = path) -> None:
        """Change one function body to a value never written before: every save is an edit."""
        turn[0] += 1
        target.write_text(case.source.replace("* 0.5 + 1.0", f"* 0.5 + {turn[0]}.0", 1))

    def floor() -> None:
        edit()
        load_path(path, "floor_" + path.stem)

    def ours() -> None:
        edit()
        assert session.check()

    def ours_widget() -> None:
        edit()
        assert shown.check()

    candidates: dict[str, Callable[[], object]] = {
        "floor": floor,
        "sideflow": ours,
        "sideflow+widget": ours_widget,
    }
    try:
        from hamilton import driver

        twin.write_text(case.source)
        module = importlib.import_module(twin.stem)

        def hamilton() -> None:
            edit(twin)
            driver.Builder().with_modules(importlib.reload(module)).build()

        candidates["hamilton"] = hamilton
    except ImportError:
        pass
    times = timing.round_robin(candidates, repeats, 200_000_000)
    floor_ms = (times["floor"].median_ns or 0) / 1e6
    rows = [f"| {n}-function module | median | over the floor |", "|---|---|---|"]
    for name, t in times.items():
        extra = "" if t.error else f"+{(t.median_ns or 0) / 1e6 - floor_ms:.1f} ms"
        rows.append(f"| {name} | {_ms(t)} | {extra} |")
    return rows


def fingerprint_costs(folder: Path, repeats: int, n: int) -> list[str]:
    """Canonical code fingerprints of every function of an n-function module, per function;
    Hamilton's code version (`hash_source_code` of each function's source) side by side."""
    from sideflow.fingerprint import Walker

    case = generate.generate("features", n)
    path = folder / f"fp_{n}.py"
    path.write_text(case.source)
    module = load_path(path, "fp_bench")
    functions = [f for f in vars(module).values() if callable(f) and hasattr(f, "__code__")]

    def ours() -> None:
        walker = Walker()
        for f in functions:
            walker.fingerprint(f)

    candidates: dict[str, Callable[[], object]] = {"sideflow": ours}
    try:
        import inspect

        from hamilton.graph_types import hash_source_code

        def hamilton() -> None:
            for f in functions:
                hash_source_code(inspect.getsource(f), strip=True)

        candidates["hamilton"] = hamilton
    except ImportError:
        pass
    times = timing.round_robin(candidates, repeats, 100_000_000)
    rows = ["| per function | median |", "|---|---|"]
    for name, t in times.items():
        rows.append(f"| {name} | {(t.median_ns or 0) / len(functions) / 1e3:.1f} us |")
    return rows


def session_run_costs(folder: Path, repeats: int) -> list[str]:
    """A session run of a chain of trivial nodes against the engine's own run: the
    session's bookkeeping (records, fingerprints, live states) must stay linear."""
    from sideflow import Dataflow

    rows = ["| chain length | engine run | session run | ratio |", "|---|---|---|---|"]
    for n in (500, 5000):
        case = generate.generate("chain", n)
        path = folder / f"chain_{n}.py"
        path.write_text(case.source)
        inputs = {name: 1.0 for name in case.inputs}
        session = Session([path.name], cwd=folder, inputs=inputs, printer=print)
        flow: Dataflow = session.dataflow  # type: ignore[assignment]

        sinks, names = list(case.sinks), case.inputs

        def engine(flow: Dataflow = flow, sinks: list[str] = sinks, given: dict[str, Any] = inputs) -> None:
            flow.run(sinks, given)

        def ours(session: Session = session, sinks: list[str] = sinks, names: Sequence[str] = names) -> None:
            for name in names:  # a new value: every result is recomputed each time
                session.inputs[name] = session.inputs[name] + 1.0
            session.run(sinks)

        times = timing.round_robin({"engine": engine, "session": ours}, repeats, 200_000_000)
        ratio = (times["session"].median_ns or 0) / (times["engine"].median_ns or 1)
        rows.append(f"| {n} | {_ms(times['engine'])} | {_ms(times['session'])} | {ratio:.1f}x |")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("### Pre-cell hook, nothing changed (target: well under 1 ms for 10 modules)\n")
        print("\n".join(hook_costs(folder, args.repeats)))
        print("\n### Edit -> rebuilt DAG (target: floor + 25 ms)\n")
        print("\n".join(rebuild_costs(folder, args.repeats, args.n)))
        print(f"\n### Code fingerprints, {args.n}-function module\n")
        print("\n".join(fingerprint_costs(folder, args.repeats, args.n)))
        print("\n### Session run vs engine run (target: within 10x, the same at 500 and 5000)\n")
        print("\n".join(session_run_costs(folder, args.repeats)))


if __name__ == "__main__":
    main()
