"""The graph widget's costs: click -> preview latency in a real JupyterLab, and big-graph payloads.

Run from the repository root: `.venv/bin/python -m benchmarks.click_latency [--clicks 20]`.

1. Python: `build_scene` (layout, cold cache and warm) and the JSON payload of generated
   `features` graphs of 100 and 1,000 nodes (target: 1,000 nodes laid out and serialized in 1 s).
2. Browser (headless Chromium, the browser tests' harness): a notebook attaches a module of one
   `base` node and N children; after clicking `base` (so every child's upstream is fresh), each
   child is clicked once, then each again (already fresh: the round trip alone). Latency is taken
   in the page, from the pointer's release to the preview's DOM showing that node (`performance.now`),
   and from Python around Playwright's click + wait (includes Playwright's own checks).
   Target: median under 300 ms.
3. Browser: the 1,000-node scene set on a displayed widget (`w.graph = scene` in a cell) until all
   its nodes are in the DOM, timed with the kernel's and the page's wall clocks (same machine);
   then all 1,000 states pushed at once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.generate import generate, write

TARGET_CLICK_MS = 300.0
TARGET_BIG_S = 1.0
SIZES = (100, 1000)


# -- 1. scene and payload in Python ------------------------------------------------------------


def scene_costs(folder: Path, sizes: Sequence[int] = SIZES, repeats: int = 3) -> list[dict[str, Any]]:
    import importlib

    from sideflow import Dataflow
    from sideflow.scene import build_scene

    layout = importlib.import_module("sideflow.layout")

    rows = []
    for n in sizes:
        path = write(generate("features", n), folder)
        start = time.perf_counter()
        flow = Dataflow(str(path))
        build_s = time.perf_counter() - start
        cold, warm, dumps = [], [], []
        payload = ""
        for _ in range(repeats):
            layout._cache.clear()
            start = time.perf_counter()
            scene = build_scene(flow)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            scene = build_scene(flow)
            warm.append(time.perf_counter() - start)
            start = time.perf_counter()
            payload = json.dumps(scene)
            dumps.append(time.perf_counter() - start)
        rows.append(
            {
                "n": n,
                "edges": len(scene["edges"]),
                "engine": scene["engine"],
                "build_s": build_s,
                "cold_s": statistics.median(cold),
                "warm_s": statistics.median(warm),
                "json_s": statistics.median(dumps),
                "bytes": len(payload),
            }
        )
    return rows


# -- 2./3. the browser ---------------------------------------------------------------------------

CLICK_MODULE = "clicks.py"
BIG_N = 1000


def click_module(children: int) -> str:
    parts = [
        '"""Click-latency benchmark: one base node and its children, 12-row Series each."""\n\n'
        "import pandas as pd\n\n\n"
        "def base(spend: pd.Series) -> pd.Series:\n"
        "    return spend.rolling(3, min_periods=1).mean()\n"
    ]
    parts += [
        f"\n\ndef child_{i:02d}(base: pd.Series) -> pd.Series:\n    return base * {i + 1} + 0.5\n"
        for i in range(children)
    ]
    return "".join(parts)


# In the page: time from a node's pointer release to the preview DOM showing that node as fresh.
INSTALL_PROBE = """root => {
    const probe = window.__sfProbe = {last: '', times: {}};
    const panel = root.querySelector('.sf-preview');
    root.addEventListener('pointerdown', e => {
        const g = e.target.closest && e.target.closest('.sf-node');
        probe.last = g ? g.dataset.node : '';
    }, true);
    root.addEventListener('pointerup', () => {
        if (probe.last) probe.times[probe.last] = {up: performance.now()};
    }, true);
    new MutationObserver(() => {
        const t = probe.times[panel.dataset.node];
        if (t && t.shown === undefined && panel.dataset.status === 'fresh') {
            t.shown = performance.now();
            requestAnimationFrame(() => { t.frame = performance.now(); });
        }
    }).observe(panel, {attributes: true, childList: true});
}"""

# In the page: wall-clock (ms since the epoch) when the second widget holds `n` nodes, and when
# every node of it has data-state `state`.
WATCH_BIG = """([root, n]) => {
    const watch = window.__sfBig = {};
    const layer = root.querySelector('.sf-nodes');
    const now = () => performance.timeOrigin + performance.now();
    new MutationObserver(() => {
        if (watch.drawn === undefined && layer.childElementCount >= n) {
            watch.drawn = now();
            requestAnimationFrame(() => { watch.frame = now(); });
        }
        if (watch.drawn !== undefined && watch.fresh === undefined
            && layer.querySelectorAll('.sf-node[data-state="fresh"]').length >= n) {
            watch.fresh = now();
        }
    }).observe(layer, {childList: true, attributes: true, subtree: true, attributeFilter: ['data-state']});
}"""


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _number_output(page: Any, index: int) -> float:
    """The number a cell printed (its result, without JupyterLab's `[n]:` prompt)."""
    output = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output").first
    return float(output.inner_text().strip())


def browser_costs(folder: Path, children: int, app: str = "lab") -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser.pages import (
        chromium_missing_reason,
        launch_chromium,
        open_notebook,
        run_all_cells,
        run_code_in_new_cell,
    )
    from tests.browser.servers import copy_tree, start_server, write_notebook

    reason = chromium_missing_reason()
    if reason is not None:
        raise SystemExit(f"browser part cannot run: {reason} (use --skip-browser)")
    notebooks = folder / "notebooks"
    notebooks.mkdir(parents=True)
    (notebooks / CLICK_MODULE).write_text(click_module(children), encoding="utf-8")
    big = write(generate("features", BIG_N), notebooks)
    write_notebook(
        notebooks / "bench.ipynb",
        (
            "%load_ext sideflow",
            'import pandas as pd\ndata = pd.DataFrame({"spend": [100.0 * (i % 5 + 1) for i in range(12)]})',
            f"%dataflow {CLICK_MODULE} --inputs data",
        ),
    )
    server = start_server(app, copy_tree(notebooks, folder / "root"), folder)  # type: ignore[arg-type]
    result: dict[str, Any] = {"app": app, "children": children}
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(60_000)
            open_notebook(page, server, "bench.ipynb")
            if not run_all_cells(page):
                raise RuntimeError("a cell of the benchmark notebook raised")
            root = page.locator(".jp-OutputArea .sf-root").first
            root.evaluate(INSTALL_PROBE)

            def click(name: str) -> float:
                start = time.perf_counter()
                root.locator(f'g.sf-node[data-node="{name}"] .sf-shape').click()
                root.locator(f'.sf-preview[data-node="{name}"][data-status="fresh"]').wait_for(
                    state="attached"
                )
                return (time.perf_counter() - start) * 1000

            click("base")  # now every child's upstream is fresh
            names = [f"child_{i:02d}" for i in range(children)]
            for label in ("compute", "fresh"):  # first round computes, second re-shows fresh results
                walls = [click(name) for name in names]
                times = page.evaluate("names => names.map(n => window.__sfProbe.times[n])", names)
                page_ms = [t["shown"] - t["up"] for t in times]
                frame_ms = [t.get("frame", t["shown"]) - t["up"] for t in times]
                result[label] = {"page": page_ms, "frame": frame_ms, "wall": walls}
                page.evaluate("() => { window.__sfProbe.times = {}; }")

            # The 1,000-node graph: build the scene in the kernel, show an empty widget, then set it.
            run_code_in_new_cell(
                page,
                "from sideflow import Dataflow\n"
                "from sideflow.scene import build_scene\n"
                "from sideflow.extension.widget import GraphWidget\n"
                f"big_scene = build_scene(Dataflow({big.name!r}))\n"
                "big = GraphWidget(name='big')\n"
                "big",
            )
            big_root = page.locator(".jp-OutputArea .sf-root").nth(1)
            big_root.wait_for(state="attached")
            handle = big_root.element_handle()
            page.evaluate(WATCH_BIG, [handle, BIG_N])
            index = run_code_in_new_cell(
                page, "import time\nsent_at = time.time()\nbig.graph = big_scene\nsent_at"
            )
            page.wait_for_function("() => window.__sfBig.frame !== undefined")
            sent = _number_output(page, index)
            watch = page.evaluate("() => window.__sfBig")
            index = run_code_in_new_cell(
                page,
                "sent_at = time.time()\n"
                "big.states = {n['name']: 'fresh' for n in big_scene['nodes']}\n"
                "sent_at",
            )
            page.wait_for_function("() => window.__sfBig.fresh !== undefined")
            states_sent = _number_output(page, index)
            watch = page.evaluate("() => window.__sfBig")
            result["big"] = {
                "drawn_ms": watch["drawn"] - sent * 1000,
                "frame_ms": watch["frame"] - sent * 1000,
                "states_ms": watch["fresh"] - states_sent * 1000,
                "nodes": big_root.locator("g.sf-node").count(),
            }
            browser.close()
    finally:
        server.stop()
    return result


# -- report ---------------------------------------------------------------------------------------


def report(scenes: list[dict[str, Any]], clicks: dict[str, Any] | None) -> str:
    lines = [
        "## Graph scene and payload (Python)",
        "",
        "| nodes | edges | layout engine | Dataflow build | build_scene (cold layout) | build_scene (cached) "
        "| json.dumps | payload | laid out + serialized |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in scenes:
        total = r["cold_s"] + r["json_s"]
        flag = "" if r["n"] < 1000 else (" ✅" if total < TARGET_BIG_S else " ❌ (target 1 s)")
        lines.append(
            f"| {r['n']:,} | {r['edges']:,} | {r['engine']} | {r['build_s'] * 1000:.0f} ms "
            f"| {r['cold_s'] * 1000:.0f} ms | {r['warm_s'] * 1000:.1f} ms | {r['json_s'] * 1000:.1f} ms "
            f"| {r['bytes'] / 1024:.0f} KiB | {total * 1000:.0f} ms{flag} |"
        )
    if clicks is None:
        return "\n".join(lines)
    n = clicks["children"]
    lines += [
        "",
        f"## Click -> preview latency ({clicks['app']}, headless Chromium, {n} nodes each, upstream fresh)",
        "",
        "| click | measured | median | p90 | max |",
        "|---|---|---:|---:|---:|",
    ]
    for label, title in (("compute", "node computed"), ("fresh", "re-click, already fresh")):
        for key, what in (
            ("page", "in page: pointer up -> preview DOM"),
            ("frame", "in page: pointer up -> next frame"),
            ("wall", "Playwright click + wait"),
        ):
            values = clicks[label][key]
            median = statistics.median(values)
            flag = " ✅" if median < TARGET_CLICK_MS else " ❌"
            flag = flag if key == "page" else ""
            lines.append(
                f"| {title} | {what} | {median:.0f} ms{flag} | {_percentile(values, 0.9):.0f} ms "
                f"| {max(values):.0f} ms |"
            )
    big = clicks["big"]
    total_ok = " ✅" if big["frame_ms"] < TARGET_BIG_S * 1000 else " ❌"
    lines += [
        "",
        f"## {big['nodes']:,}-node graph in the browser",
        "",
        "| step | time |",
        "|---|---:|",
        f"| `w.graph = scene` in the kernel -> all nodes in the DOM | {big['drawn_ms']:.0f} ms |",
        f"| ... -> next animation frame | {big['frame_ms']:.0f} ms{total_ok} |",
        f"| `w.states = {{...}}` (all {big['nodes']:,} change) -> DOM | {big['states_ms']:.0f} ms |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=12, help="children of `base` to click (default 12)")
    parser.add_argument("--app", choices=("lab", "notebook"), default="lab")
    parser.add_argument("--skip-browser", action="store_true", help="only the Python scene timings")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sideflow-click-") as tmp:
        folder = Path(tmp)
        scenes = scene_costs(folder / "scenes")
        clicks = None if args.skip_browser else browser_costs(folder / "browser", args.clicks, args.app)
    print(report(scenes, clicks))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
