"""How far an edit moves the other nodes, per layout engine: the widget's seeded layered
layout, Graphviz `dot` (static pictures) and, when asked, ELK layered (elkjs, in node).

Run from the repository root: `.venv/bin/python -m benchmarks.layout_stability [--elk DIR]`
(DIR: a folder whose node_modules holds elkjs, e.g. after `npm install elkjs` there).
For generated `features` graphs, one node is added, removed or renamed; the figure is the
share of the other nodes that moved less than one node height (40 pt), target >= 90%.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.generate import generate
from sideflow.geometry import BOX_HEIGHT
from sideflow.layered import layered_layout

SIZES = (19, 200, 500, 2000)
DOT_MAX = 500  # dot takes 10 s and more above this
Graph = tuple[list[str], list[tuple[str, str]]]
ELK_SCRIPT = Path(__file__).with_name("elk_layout.cjs")


def feature_graph(n: int) -> Graph:
    case = generate("features", n)
    names, edges = list(case.inputs), []
    for match in re.finditer(r"def (\w+)\(([^)]*)\)", case.source):
        names.append(match.group(1))
        edges += [(p.split(":")[0].strip(), match.group(1)) for p in match.group(2).split(",")]
    return names, edges


def add(graph: Graph) -> Graph:
    names, edges = graph
    parents = (names[len(names) // 2], names[5])
    return [*names, "new_feature"], [*edges, *((p, "new_feature") for p in parents)]


def remove(graph: Graph) -> Graph:
    names, edges = graph
    gone = names[len(names) // 2]
    return [n for n in names if n != gone], [(a, b) for a, b in edges if gone not in (a, b)]


def rename(graph: Graph) -> Graph:
    names, edges = graph
    old = names[len(names) // 2]
    new = f"renamed_{old}"
    swap = {old: new}
    return [swap.get(n, n) for n in names], [(swap.get(a, a), swap.get(b, b)) for a, b in edges]


EDITS: dict[str, Callable[[Graph], Graph]] = {"add": add, "remove": remove, "rename": rename}
Centres = dict[str, tuple[float, float]]


def layered(before: Graph, after: Graph) -> tuple[Centres, Centres, float]:
    first = layered_layout(*before)
    start = time.perf_counter()
    second = layered_layout(*after, previous=first.seats)
    took = time.perf_counter() - start
    return _centres(first.boxes), _centres(second.boxes), took


def dot(before: Graph, after: Graph) -> tuple[Centres, Centres, float]:
    from sideflow.layout import _dot_layout

    first = _dot_layout(*before, "TB")
    start = time.perf_counter()
    second = _dot_layout(*after, "TB")
    took = time.perf_counter() - start
    return _centres(first.boxes), _centres(second.boxes), took


def elk(folder: Path) -> Callable[[Graph, Graph], tuple[Centres, Centres, float]]:
    """ELK layered with its interactive strategies, seeded with the first layout's positions."""

    def run(before: Graph, after: Graph) -> tuple[Centres, Centres, float]:
        request = json.dumps({"before": before, "after": after})
        env = {**os.environ, "NODE_PATH": str(folder.resolve() / "node_modules")}
        done = subprocess.run(["node", str(ELK_SCRIPT)], input=request, capture_output=True, text=True,
                              env=env, check=True, timeout=600)
        answer = json.loads(done.stdout)
        first = {k: (v[0], v[1]) for k, v in answer["before"].items()}
        second = {k: (v[0], v[1]) for k, v in answer["after"].items()}
        return first, second, answer["after_ms"] / 1000

    return run


def _centres(boxes: dict[str, Any]) -> Centres:
    return {name: (box.x, box.y) for name, box in boxes.items()}


def still_share(first: Centres, second: Centres) -> float:
    common = [n for n in first if n in second]
    return sum(math.dist(first[n], second[n]) < BOX_HEIGHT for n in common) / len(common)


def measure(elk_dir: Path | None, sizes: Sequence[int] = SIZES) -> list[dict[str, Any]]:
    engines: dict[str, Callable[[Graph, Graph], tuple[Centres, Centres, float]]] = {
        "layered (widget, seeded)": layered, "dot (unseeded)": dot}
    if elk_dir is not None:
        engines["elk layered (interactive, seeded)"] = elk(elk_dir)
    rows = []
    for n in sizes:
        graph = feature_graph(n)
        for engine, run in engines.items():
            if engine != "layered (widget, seeded)" and n > DOT_MAX:
                continue
            for edit, change in EDITS.items():
                first, second, took = run(graph, change(graph))
                rows.append({"n": n, "engine": engine, "edit": edit,
                             "still": still_share(first, second), "ms": took * 1000})
    return rows


def report(rows: list[dict[str, Any]]) -> str:
    lines = ["## Layout stability after one edit (share of other nodes moving < 1 node height)", "",
             "| nodes | engine | add | remove | rename | relayout time (add) |",
             "|---:|---|---:|---:|---:|---:|"]
    keys = sorted({(r["n"], r["engine"]) for r in rows}, key=lambda k: (k[0], k[1]))
    for n, engine in keys:
        got = {r["edit"]: r for r in rows if r["n"] == n and r["engine"] == engine}
        cells = [f"{got[e]['still'] * 100:.0f}%{' ✅' if got[e]['still'] >= 0.9 else ''}" for e in EDITS]
        lines.append(f"| {n:,} | {engine} | {' | '.join(cells)} | {got['add']['ms']:.0f} ms |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elk", type=Path, help="a folder with node_modules/elkjs (measures ELK too)")
    args = parser.parse_args(argv)
    print(report(measure(args.elk)))


if __name__ == "__main__":
    main()
