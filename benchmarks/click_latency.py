"""The graph widget's costs: click -> preview latency in a real JupyterLab, and big-graph payloads.

Run from the repository root: `.venv/bin/python -m benchmarks.click_latency [--clicks 20]`.

1. Python: `build_scene` (layout, cold cache and warm) and the JSON payload of generated
   `features` graphs of 100 to 2,000 nodes with the widget's layout (target: laid out and
   serialized in 1 s).
2. Browser (headless Chromium, the browser tests' harness): a notebook attaches a module of one
   `base` node and N children; after clicking `base` (so every child's upstream is fresh), each
   child is clicked once, then each again (already fresh: the round trip alone). Latency is taken
   in the page, from the pointer's release to the preview's DOM showing that node (`performance.now`),
   and from Python around Playwright's click + wait (includes Playwright's own checks).
   Target: median under 300 ms.
3. Browser: for sessions on 500- and 2,000-node modules, the scene set on a displayed widget
   (`w.graph = scene` in a cell) until all its nodes are in the DOM, timed with the kernel's and
   the page's wall clocks (same machine); then all states pushed at once; then search + click on
   a node in the middle -> its preview (target: drawn and clickable in 1 s).
4. Layout stability after an edit: `python -m benchmarks.layout_stability`.
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
SIZES = (100, 500, 1000, 2000)
BIG_SIZES = (500, 2000)


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
            scene = build_scene(flow.graph, engine="layered")  # the widget's layout
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            scene = build_scene(flow.graph, engine="layered")
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
    )
    from tests.browser.servers import copy_tree, start_server, write_notebook

    reason = chromium_missing_reason()
    if reason is not None:
        raise SystemExit(f"browser part cannot run: {reason} (use --skip-browser)")
    notebooks = folder / "notebooks"
    notebooks.mkdir(parents=True)
    (notebooks / CLICK_MODULE).write_text(click_module(children), encoding="utf-8")
    bigs = {n: write(generate("features", n), notebooks) for n in BIG_SIZES}
    write_notebook(
        notebooks / "bench.ipynb",
        (
            "%load_ext sideflow",
            'import pandas as pd\ndata = pd.DataFrame({"spend": [100.0 * (i % 5 + 1) for i in range(12)]})',
            f"%dataflow {CLICK_MODULE} --inputs data",
            "big_inputs = {'spend': 1.0, 'signups': 2.0, 'clicks': 3.0, 'price': 4.0}",
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
            root.locator(".sf-all").click()  # every child in view ("fit" keeps labels readable)

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

            result["big"] = [big_graph(page, n, bigs[n]) for n in BIG_SIZES]
            browser.close()
    finally:
        server.stop()
    return result


def big_graph(page: Any, n: int, module: Path) -> dict[str, Any]:
    """A session on an n-node module: its widget drawn (graph set -> DOM -> frame), all states
    changed, and click -> preview on a node in the middle (its upstream computed by the click)."""
    from tests.browser.pages import run_code_in_new_cell

    run_code_in_new_cell(
        page,
        "from sideflow.scene import build_scene\n"
        "from sideflow.extension.widget import GraphWidget\n"
        f"%dataflow {module.name} --name big{n} --no-widget --inputs big_inputs\n"
        f"scene{n} = build_scene(big{n}.dataflow.graph, engine='layered')\n"
        f"w{n} = GraphWidget(on_run=big{n}.run_node, name='big{n}')\n"
        f"big{n}._widget = w{n}\n"
        f"w{n}",
    )
    root = page.locator(".jp-OutputArea .sf-root").last
    root.wait_for(state="attached")
    page.evaluate(WATCH_BIG, [root.element_handle(), n])
    index = run_code_in_new_cell(page, f"import time\nsent_at = time.time()\nw{n}.graph = scene{n}\nsent_at")
    page.wait_for_function("() => window.__sfBig.frame !== undefined")
    sent = _number_output(page, index)
    watch = page.evaluate("() => window.__sfBig")
    index = run_code_in_new_cell(
        page,
        f"sent_at = time.time()\nw{n}.states = {{k['name']: 'fresh' for k in scene{n}['nodes']}}\nsent_at",
    )
    page.wait_for_function("() => window.__sfBig.fresh !== undefined")
    states_sent = _number_output(page, index)
    fresh = page.evaluate("() => window.__sfBig.fresh")
    run_code_in_new_cell(page, f"w{n}.states = big{n}.states")
    root.evaluate(INSTALL_PROBE)
    target = f"feat_{n // 2}"
    root.locator(".sf-search").fill(target)  # search jumps to it: a big graph shows part of itself
    root.locator(".sf-search").press("Enter")
    root.locator(f'g.sf-node[data-node="{target}"] .sf-shape').click()
    root.locator(f'.sf-preview[data-node="{target}"][data-status="fresh"]').wait_for(state="attached")
    probe = page.evaluate("name => window.__sfProbe.times[name]", target)
    return {
        "nodes": root.locator("g.sf-node").count(),
        "drawn_ms": watch["drawn"] - sent * 1000,
        "frame_ms": watch["frame"] - sent * 1000,
        "states_ms": fresh - states_sent * 1000,
        "click_ms": probe["shown"] - probe["up"],
        "script_ms": float(root.get_attribute("data-draw-ms") or "nan"),
    }


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
    lines += [
        "",
        "## Big graphs in the browser (a session's widget, the widget's layered layout)",
        "",
        "| nodes | `w.graph = scene` -> all nodes in the DOM | ... -> next frame (target 1 s) "
        "| of which drawGraph() | all states changed -> DOM | click -> preview (upstream computed) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for big in clicks["big"]:
        ok = " ✅" if big["frame_ms"] < TARGET_BIG_S * 1000 else " ❌"
        lines.append(
            f"| {big['nodes']:,} | {big['drawn_ms']:.0f} ms | {big['frame_ms']:.0f} ms{ok} "
            f"| {big['script_ms']:.0f} ms | {big['states_ms']:.0f} ms | {big['click_ms']:.0f} ms |"
        )
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
