"""Benchmark runner: sideflow vs Hamilton vs plain-Python floors for build, execute and import."""

from __future__ import annotations

import argparse
import graphlib
import importlib
import inspect
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__ in (None, ""):  # run as `python benchmarks/run.py`: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate, report, timing

RESULTS = Path(__file__).parent / "results.md"
QUICK_SIZES = (10, 100, 1000)
IMPORTS = {
    "python -c pass": "pass",
    "import sideflow": "import sideflow",
    "import hamilton.driver": "import hamilton.driver",
}
# Modules `import sideflow` must not pull in (STYLE.md habit 8); listed in the report.
HEAVY = ("pandas", "numpy", "IPython", "ipywidgets", "anywidget", "pygraphviz")

Schedule = list[tuple[str, Callable[..., Any], tuple[str, ...]]]


class WrongResult(Exception):
    """An implementation returned something other than the plain loop's outputs."""


# ---------------------------------------------------------------- plain-Python floors


def _functions(module: ModuleType) -> list[Callable[..., Any]]:
    return [fn for fn in vars(module).values() if inspect.isfunction(fn) and fn.__module__ == module.__name__]


def floor_build(module: ModuleType) -> list[str]:
    """The least any builder must do: read each signature, sort topologically."""
    graph = {fn.__name__: list(inspect.signature(fn).parameters) for fn in _functions(module)}
    return list(graphlib.TopologicalSorter(graph).static_order())


def floor_schedule(module: ModuleType) -> Schedule:
    fns = {fn.__name__: fn for fn in _functions(module)}
    return [
        (name, fns[name], tuple(inspect.signature(fns[name]).parameters))
        for name in floor_build(module)
        if name in fns  # inputs appear in the order but have no function
    ]


def floor_execute(schedule: Schedule, inputs: dict[str, float], outputs: Sequence[str]) -> dict[str, Any]:
    """The least any executor must do: call each function once, in order."""
    vals: dict[str, Any] = dict(inputs)
    for name, fn, argnames in schedule:
        vals[name] = fn(*[vals[a] for a in argnames])
    return {name: vals[name] for name in outputs}


# ---------------------------------------------------------------- candidates


def _failing(exc: BaseException) -> Callable[[], object]:
    def fail() -> object:
        raise exc

    return fail


def build_candidates(module: ModuleType, case: generate.Case) -> dict[str, Callable[[], object]]:
    candidates: dict[str, Callable[[], object]] = {"floor": lambda: floor_build(module)}
    try:
        import sideflow

        candidates["sideflow"] = lambda: sideflow.Dataflow(module)
    except ImportError as exc:
        candidates["sideflow"] = _failing(exc)
    from hamilton import driver

    # With no adapter, Builder().build() in Hamilton 1.x returns a plain dict from
    # execute() (no DataFrame), so the same driver serves both benchmarks.
    candidates["hamilton"] = lambda: driver.Builder().with_modules(module).build()
    return candidates


def _checked(run: Callable[[], dict[str, Any]], expected: dict[str, Any]) -> Callable[[], object]:
    """`run`, if one call returns `expected`; else a stand-in raising why not."""
    try:
        got = run()
    except Exception as exc:
        return _failing(exc)
    if dict(got) != expected:
        return _failing(WrongResult(f"expected {expected!r}, got {got!r}"))
    return run


def execute_candidates(module: ModuleType, case: generate.Case) -> dict[str, Callable[[], object]]:
    inputs = dict.fromkeys(case.inputs, 1.0)
    outputs = list(case.sinks)
    schedule = floor_schedule(module)
    expected = floor_execute(schedule, inputs, outputs)
    candidates: dict[str, Callable[[], object]] = {"floor": lambda: floor_execute(schedule, inputs, outputs)}
    try:
        import sideflow

        flow = sideflow.Dataflow(module)
        candidates["sideflow"] = _checked(lambda: flow.run(outputs, inputs=inputs), expected)
    except Exception as exc:
        candidates["sideflow"] = _failing(exc)
    from hamilton import driver

    try:
        dr = driver.Builder().with_modules(module).build()
        candidates["hamilton"] = _checked(lambda: dr.execute(outputs, inputs=inputs), expected)
    except Exception as exc:
        candidates["hamilton"] = _failing(exc)
    return candidates


# ---------------------------------------------------------------- runs


def _load(case: generate.Case, directory: Path) -> ModuleType:
    generate.write(case, directory)
    return importlib.import_module(case.module_name)


def run_graphs(
    kind: str, sizes: Sequence[int], repeats: int, target_ns: int, directory: Path
) -> list[tuple[generate.Case, dict[str, timing.Timing]]]:
    make = build_candidates if kind == "build" else execute_candidates
    rows = []
    for shape in generate.SHAPES:
        for n in sizes:
            case = generate.generate(shape, n)
            module = _load(case, directory)
            start = time.perf_counter()
            rows.append((case, timing.round_robin(make(module, case), repeats, target_ns)))
            elapsed = time.perf_counter() - start
            print(f"  {kind:<7} {shape:<8} N={n:<5} {elapsed:5.1f}s", file=sys.stderr)
    return rows


# Imports are timed as a user runs them: with `.pyc` caches (the warm-up run writes them),
# even where the calling environment sets PYTHONDONTWRITEBYTECODE.
_USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _importtime_ms(code: str) -> float | None:
    """What `-X importtime` bills to the imports `code` triggers (interpreter start-up excluded)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=_USER_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    total, after_site = 0, False
    for line in done.stderr.splitlines():
        fields = line.split("|")  # "import time: self [us] | cumulative | <indent>package"
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue  # the header line, or anything else on stderr
        cumulative, name = int(fields[1]), fields[2]
        if name == " site":  # everything before `site` is start-up, same for every command
            after_site = True
        elif after_site and name.startswith(" ") and not name.startswith("  "):
            total += cumulative  # top-level entries only: their cumulative covers children
    return total / 1000


def run_imports(
    repeats: int,
) -> tuple[dict[str, timing.Timing], dict[str, float | None], list[str] | None]:
    commands = {label: [sys.executable, "-c", code] for label, code in IMPORTS.items()}
    times = timing.process_times(commands, repeats, env=_USER_ENV)
    own: dict[str, float | None] = {}
    for label, code in IMPORTS.items():
        runs = [ms for _ in range(5) if (ms := _importtime_ms(code)) is not None]
        own[label] = statistics.median(runs) if len(runs) == 5 else None
    probe = f"import sys, sideflow; print(*[m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    heavy = done.stdout.split() if done.returncode == 0 else None
    return times, own, heavy


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N <= 1000, fewer repeats")
    parser.add_argument("--only", choices=("build", "execute", "import"), action="append")
    parser.add_argument("--repeats", type=int, help="samples per measurement (median reported)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="markdown report path")
    args = parser.parse_args(argv)
    try:
        import hamilton.driver  # noqa: F401
    except ImportError as exc:
        msg = f"the benchmarks compare with Hamilton ({exc}): pip install -e '.[bench]'"
        raise SystemExit(msg) from exc
    sizes = QUICK_SIZES if args.quick else generate.SIZES
    repeats = args.repeats or (3 if args.quick else 7)
    target_ns = (10 if args.quick else 50) * 1_000_000
    only = args.only or ["build", "execute", "import"]
    # Hamilton logs a long "reach out on Slack" message at ERROR level on every failure.
    logging.getLogger("hamilton").setLevel(logging.CRITICAL)

    command = ["-m", "benchmarks.run", *(sys.argv[1:] if argv is None else argv)]
    sections = [report.header(command, repeats, args.quick)]
    with tempfile.TemporaryDirectory(prefix="sideflow-bench-") as tmp:
        sys.path.insert(0, tmp)
        for kind in ("build", "execute"):
            if kind in only:
                rows = run_graphs(kind, sizes, repeats, target_ns, Path(tmp))
                sections.append(report.graph_table(kind, rows))
    if "import" in only:
        print("  import (fresh processes)", file=sys.stderr)
        sections.append(report.import_table(*run_imports(max(repeats, 5) * 2 + 1)))
    text = "\n\n".join(sections) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
