"""What the reliability checks cost per run: return checks (`check_outputs=True`, on in
notebook sessions) against the same run without them, and Hamilton's own run beside.

Run: `.venv/bin/python -m benchmarks.checks [--repeats 7]`. Interleaved in one process
(see timing.py); the functions are one-line float expressions, so the difference is
the framework's.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks import generate, timing


def rows(folder: Path, repeats: int) -> list[str]:
    table = [
        "| shape | N | run | run, check_outputs | per node | Hamilton run |",
        "|---|---|---|---|---|---|",
    ]
    for shape, n in (("chain", 500), ("chain", 5000), ("features", 1000)):
        table.append(_row(generate.generate(shape, n), folder, repeats))
    return table


def _row(case: generate.Case, folder: Path, repeats: int) -> str:
    from hamilton import driver

    import sideflow

    generate.write(case, folder)
    module = importlib.import_module(case.module_name)
    inputs = dict.fromkeys(case.inputs, 1.0)
    outputs = list(case.sinks)
    plain = sideflow.Dataflow(module)
    checked = sideflow.Dataflow(module, check_outputs=True)
    dr = driver.Builder().with_modules(module).build()
    assert plain.run(outputs, inputs) == checked.run(outputs, inputs)
    found = timing.round_robin(
        {
            "plain": lambda: plain.run(outputs, inputs),
            "checked": lambda: checked.run(outputs, inputs),
            "hamilton": lambda: dr.execute(outputs, inputs=inputs),
        },
        repeats,
        50_000_000,
    )
    ms = {k: (v.median_ns or 0) / 1e6 for k, v in found.items()}
    hamilton = found["hamilton"].error or f"{ms['hamilton']:.2f} ms"
    per_node = (ms["checked"] - ms["plain"]) * 1e3 / case.n
    return (f"| {case.shape} | {case.n} | {ms['plain']:.2f} ms | {ms['checked']:.2f} ms | "
            f"{per_node:+.2f} us | {hamilton} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, tmp)
        print("\n".join(rows(Path(tmp), args.repeats)))


if __name__ == "__main__":
    main()
