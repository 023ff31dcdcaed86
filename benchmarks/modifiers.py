"""Build time of a modifier-heavy Hamilton module: sideflow (delegating to Hamilton's
resolver) beside Hamilton's own driver build, interleaved medians.

The module: `@extract_columns` with 50 outputs, `@parameterize` with 20 variants, a
`@subdag` of three functions, `@check_output`, `@config.when` variants and a tail of
plain functions reading the generated nodes. Run:
`.venv/bin/python -m benchmarks.modifiers [--repeats N]`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from types import ModuleType

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import timing

COLUMNS = 50
VARIANTS = 20
TARGET = 0.5  # sideflow's build <= half of Hamilton's


def module_text(columns: int = COLUMNS, variants: int = VARIANTS, subdag: bool = True) -> str:
    names = ", ".join(f'"c{i}"' for i in range(columns))
    frame = ", ".join(f'"c{i}": [{i}.0, {i + 1}.0]' for i in range(columns))
    params = ",\n    ".join(f'p{i}={{"x": source("c{i % columns}"), "k": value({i})}}'
                           for i in range(variants))
    uses = "\n\n".join(f"def u{i}(p{i}: pd.Series, c{(i + 1) % columns}: pd.Series) -> pd.Series:\n"
                       f"    return p{i} + c{(i + 1) % columns}" for i in range(variants))
    return f'''import pandas as pd
from hamilton.function_modifiers import (check_output, config, extract_columns, parameterize,
                                         source, subdag, value)


@extract_columns({names})
def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({{{frame}}})


@parameterize(
    {params},
)
def scaled(x: pd.Series, k: int) -> pd.Series:
    return x * k


def inner_a(seed: int) -> int:
    return seed + 1


def inner_b(inner_a: int) -> int:
    return inner_a * 2


def inner_c(inner_b: int, inner_a: int) -> int:
    return inner_b - inner_a


{SUBDAG if subdag else PLAIN}

@check_output(range=(0, 1000), importance="warn")
def checked(sub_result: int) -> int:
    return sub_result


@config.when(mode="a")
def mode_value__a() -> int:
    return 1


@config.when_not(mode="a")
def mode_value__other() -> int:
    return 2


{uses}
'''


SUBDAG = '''@subdag(inner_a, inner_b, inner_c, inputs={"seed": source("n")})
def sub_result(inner_c: int) -> int:
    return inner_c
'''
PLAIN = '''def sub_result(inner_c: int) -> int:
    return inner_c
'''
HAMILTON_IMPORT = "from hamilton.function_modifiers import ("
OWN_IMPORT = "from sideflow import ("


def load(folder: Path, name: str, text: str) -> ModuleType:
    from sideflow.sources import load_path

    path = folder / f"{name}.py"
    path.write_text(text)
    return load_path(path)


def _row(label: str, module: ModuleType, rival: ModuleType, repeats: int) -> tuple[str, float] | None:
    """Median build times of sideflow on `module` and Hamilton on `rival` (same graph)."""
    from hamilton import driver

    import sideflow

    config = {"mode": "a"}
    flow = sideflow.Dataflow(module, config=config)
    dr = driver.Builder().with_modules(rival).with_config(config).build()
    ours = set(flow.nodes)
    theirs = {v.name for v in dr.list_available_variables() if not v.is_external_input}
    if ours != theirs:  # a faster build of a different graph would be no result at all
        print(f"{label}: node sets differ: {sorted(ours ^ theirs)}")
        return None
    from sideflow import hamilton_memo

    def first() -> object:
        hamilton_memo.forget()  # a first build: no resolution remembered
        return sideflow.Dataflow(module, config=config)

    candidates = {
        "first": first,
        "rebuild": lambda: sideflow.Dataflow(module, config=config),
        "hamilton": lambda: driver.Builder().with_modules(rival).with_config(config).build(),
    }
    results = timing.round_robin(candidates, repeats, 50_000_000)
    ms = {name: (t.median_ns or 0) / 1e6 for name, t in results.items()}
    cold, warm = ms["first"] / ms["hamilton"], ms["rebuild"] / ms["hamilton"]
    return (f"| {label} ({len(ours)} nodes) | {ms['first']:.2f} | {ms['rebuild']:.2f} | "
            f"{ms['hamilton']:.2f} | {cold:.2f}x | {warm:.2f}x | <= {TARGET}x |"), warm


FANOUT = '''from hamilton.htypes import Collect, Parallelizable


def items(n: int) -> Parallelizable[int]:
    yield from range(n)


def squared(items: int) -> int:
    return items * items


def total(squared: Collect[int]) -> int:
    return sum(squared)
'''
ITEMS = 1000


def _fanout_row(module: ModuleType, repeats: int) -> tuple[str, float] | None:
    """One run of a 1,000-item fan-out: sideflow beside Hamilton's dynamic execution."""
    from hamilton import driver

    import sideflow

    flow = sideflow.Dataflow(module)
    dr = (driver.Builder().with_modules(module)
          .enable_dynamic_execution(allow_experimental_mode=True).build())
    inputs = {"n": ITEMS}
    if flow.run("total", inputs=inputs)["total"] != dr.execute(["total"], inputs=inputs)["total"]:
        print("fan-out: the totals differ")
        return None
    candidates = {
        "sideflow": lambda: flow.run("total", inputs=inputs),
        "hamilton": lambda: dr.execute(["total"], inputs=inputs),
    }
    results = timing.round_robin(candidates, repeats, 50_000_000)
    ms = {name: (t.median_ns or 0) / 1e6 for name, t in results.items()}
    ratio = ms["sideflow"] / ms["hamilton"]
    return (f"| run: fan-out of {ITEMS:,} items, then a Collect | {ms['sideflow']:.2f} | | "
            f"{ms['hamilton']:.2f} | {ratio:.3f}x | | <= {TARGET}x |"), ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        heavy = load(where, "heavy_hamilton", module_text())
        rows.append(_row("Hamilton's modifiers, delegated; with a subdag", heavy, heavy, args.repeats))
        flat = module_text(subdag=False)
        flat_h = load(where, "flat_hamilton", flat)
        own = load(where, "flat_own", flat.replace(HAMILTON_IMPORT, OWN_IMPORT).replace(
            " subdag,", ""))
        rows.append(_row("Hamilton's modifiers, delegated; no subdag", flat_h, flat_h, args.repeats))
        rows.append(_row("sideflow's own modifiers (translation); no subdag", own, flat_h, args.repeats))
        rows.append(_fanout_row(load(where, "fanout_hamilton", FANOUT), args.repeats))
    print(f"ms (median of {args.repeats}); builds: {COLUMNS} extract_columns outputs, "
          f"{VARIANTS} parameterize variants, check_output, config.when")
    print("| module | sideflow, first build | sideflow, rebuild | hamilton | first ÷ hamilton | "
          "rebuild ÷ hamilton | target |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for row in rows:
        print(row[0] if row else "| (node sets differ) | | | | |")
    return 0 if all(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
