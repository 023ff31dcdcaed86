"""The graph widget in a real JupyterLab / Notebook 7: clicks run nodes, previews, states, edits.

One server per front end serves a copy of notebooks/ plus a notebook written here
(`edge_cases.ipynb` over `edge_nodes.py`); the edge-case tests share one page on it.
Set SIDEFLOW_SCREENSHOT=docs/widget.png to (re)write the README screenshot from the
JupyterLab run of the main flow.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import PAGES, SERVERS
from .pages import PageLog, Stopwatch, open_notebook, run_all_cells, run_code_in_new_cell
from .servers import APPS, JupyterServer, copy_tree, start_server, write_notebook
from .widgets import (
    DURATION,
    ROOT,
    click_node,
    duration_text,
    node,
    preview,
    wait_for_node,
    wait_for_preview,
    wait_for_state,
    widget,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = "01-quickstart.ipynb"
EDGE_NOTEBOOK = "edge_cases.ipynb"
EDGE_MODULE = "edge_nodes.py"
SCREENSHOT_ENV = "SIDEFLOW_SCREENSHOT"

EDGE_SOURCE = '''\
"""Edge cases for the browser tests: markup in values, a missing input, failing nodes."""

import pandas as pd


def hostile_table(x: float) -> pd.DataFrame:
    """Cells holding markup: the preview must show it as text."""
    return pd.DataFrame(
        {
            "payload": ["<script>window.__pwned = 1</script>", '<img src=x onerror="window.__pwned=2">'],
            "x": [x, x],
        }
    )


def hostile_error(x: float) -> float:
    """An exception whose message is markup."""
    raise ValueError('<img src=x onerror="window.__pwned=3">')


def needs_region(x: float, region: str) -> str:
    """Needs the input `region`, which the notebook does not give."""
    return f"{region}: {x}"


def ratio(x: float) -> float:
    """Divides by zero."""
    zero = 0
    return x / zero
'''
EDGE_CELLS = ("%load_ext sideflow", 'data = {"x": 3.0}', f"%dataflow {EDGE_MODULE} --inputs data")
EDGE_NODES = ("x", "region", "hostile_table", "hostile_error", "needs_region", "ratio")


# -- one server per front end, a shared page on the edge-case notebook --------------------------


@pytest.fixture(scope="module", params=APPS, ids=["jupyterlab", "notebook7"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """A server over a copy of notebooks/ plus the edge-case notebook and module."""
    app = request.param
    work_dir = tmp_path_factory.mktemp(f"widget-{app}")
    root = copy_tree(REPO / "notebooks", work_dir / "root")
    (root / EDGE_MODULE).write_text(EDGE_SOURCE, encoding="utf-8")
    write_notebook(root / EDGE_NOTEBOOK, EDGE_CELLS)
    started = start_server(app, root, work_dir)
    yield started
    started.stop()


class SharedPage:
    def __init__(self, page: Page, log: PageLog) -> None:
        self.page = page
        self.log = log


@pytest.fixture(scope="module")
def edge(server: JupyterServer, chromium: Browser) -> Iterator[SharedPage]:
    """The edge-case notebook, opened and run once for the tests below (they run in file order)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    log = PageLog().attach(page)
    open_notebook(page, server, EDGE_NOTEBOOK)
    assert run_all_cells(page), f"a cell of the edge-case notebook raised: {_errors(page)}"
    for name in EDGE_NODES:
        wait_for_node(page, name)
    yield SharedPage(page, log)
    context.close()


@pytest.fixture(autouse=True)
def _artifacts(request: pytest.FixtureRequest) -> None:
    """Let conftest's failure report include the shared server's log and the shared page."""
    if "server" in request.fixturenames:
        request.node.stash.setdefault(SERVERS, []).append(request.getfixturevalue("server"))
    if "edge" in request.fixturenames:
        shared = request.getfixturevalue("edge")
        request.node.stash.setdefault(PAGES, []).append((shared.page, shared.log))


def _errors(page: Page) -> list[str]:
    """The error outputs (tracebacks) shown in the notebook."""
    shown = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    return [text[-2000:] for text in shown.all_inner_texts()]


def _load_module(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(page: Page) -> list[tuple[str, str]]:
    """(index, value) of each body row of the preview's table."""
    rows = preview(page).locator("tbody tr")
    return [
        (rows.nth(i).locator("th").inner_text().strip(), rows.nth(i).locator("td").first.inner_text().strip())
        for i in range(rows.count())
    ]


def _states(page: Page) -> dict[str, str]:
    return dict(
        page.locator(f"{ROOT} g.sf-node").evaluate_all(
            "els => els.map(g => [g.dataset.node, g.dataset.state])"
        )
    )


def _outside_canvas(page: Page) -> list[str]:
    """Nodes of the first widget not wholly inside its canvas (clipped by the current view)."""
    names: list[str] = page.locator(ROOT).first.evaluate(
        """root => {
            const box = root.querySelector('.sf-svg').getBoundingClientRect();
            return [...root.querySelectorAll('g.sf-node')].filter(g => {
                const r = g.getBoundingClientRect();
                return r.left < box.left || r.top < box.top || r.right > box.right || r.bottom > box.bottom;
            }).map(g => g.dataset.node);
        }"""
    )
    return names


# -- 1. main flow: quickstart, click, preview, edit -> stale -------------------------------------


def test_quickstart_click_preview_then_edit_turns_stale(
    server: JupyterServer,
    page: Page,
    page_log: PageLog,
    record_property: Callable[[str, object], None],
) -> None:
    from playwright.sync_api import expect

    clock = Stopwatch()
    open_notebook(page, server, QUICKSTART)
    clock.lap("open+kernel")
    assert run_all_cells(page), f"a cell of the quickstart raised during Run All: {_errors(page)}"
    target = wait_for_node(page, "avg_3wk_spend")
    expect(page.locator(ROOT)).to_have_count(1)
    clock.lap("run all")

    root = widget(page)
    expect(root.locator(".sf-legend-item[data-state]")).to_have_count(7)
    # The %%dataflow cell added a node after the first drawing: the view shows all of it.
    assert _outside_canvas(page) == []
    before = target.get_attribute("data-state")
    assert before in ("idle", "fresh"), f"avg_3wk_spend starts {before!r}"
    assert target.get_attribute("data-role") in ("function", "output")

    click_node(page, "avg_3wk_spend")
    panel = wait_for_preview(page, "avg_3wk_spend", "fresh")
    clock.lap("click")
    expect(panel.locator(".sf-expression")).to_have_text("flow.results['avg_3wk_spend']")
    data = _load_module(server.root_dir / "marketing_data.py", "marketing_data_for_test").weekly_marketing()
    expected = data["spend"].rolling(3).mean()
    expect(panel.locator(".sf-preview-summary")).to_contain_text(f"{len(expected)} rows")
    shown = _rows(page)
    want = list(expected.items())[: len(shown)]
    assert [label for label, _ in shown] == [str(i.date()) for i, _ in want]  # midnight dates: date only
    for (_, text), (_, value) in zip(shown, want, strict=True):
        assert text == "NaN" if value != value else float(text) == pytest.approx(value, rel=1e-5)
    assert len(shown) >= 5
    assert shown[2][1].startswith("2483.33")  # the value the notebook's stored output rounds to 2483.3
    wait_for_state(page, "avg_3wk_spend", "fresh")
    assert DURATION.match(duration_text(target)), repr(duration_text(target))
    expect(root).to_have_attribute("data-busy", "")

    # The README's picture: the widget after a click, the preview showing.
    shot = os.environ.get(SCREENSHOT_ENV)
    if shot and server.app == "lab":
        out = REPO / shot
        out.parent.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(out), animations="disabled")

    # Zoom buttons move the view; fit brings it back.
    viewport = root.locator(".sf-viewport")
    root.locator(".sf-fit").click()
    fitted = viewport.get_attribute("transform") or ""
    root.locator(".sf-zoom-in").click()
    assert viewport.get_attribute("transform") != fitted
    root.locator(".sf-fit").click()
    expect(viewport).to_have_attribute("transform", fitted)

    # Edit the side module (another body, another size), run any cell: the same widget turns stale.
    module = server.root_dir / "marketing.py"
    old = module.read_text(encoding="utf-8")
    new = old.replace(
        "return spend.rolling(3).mean()", "return spend.rolling(3, min_periods=1).mean()  # edited"
    )
    assert new != old, "marketing.py no longer has avg_3wk_spend's body"
    module.write_text(new, encoding="utf-8")
    run_code_in_new_cell(page, "pass")
    wait_for_state(page, "avg_3wk_spend", "stale")
    expect(page.locator(ROOT)).to_have_count(1)
    assert duration_text(target) == ""
    assert node(page, "spend_per_signup").get_attribute("data-state") != "stale"  # untouched by the edit

    # A click recomputes with the new code.
    click_node(page, "avg_3wk_spend")
    wait_for_preview(page, "avg_3wk_spend", "fresh")
    wait_for_state(page, "avg_3wk_spend", "fresh")
    edited = data["spend"].rolling(3, min_periods=1).mean()
    assert _rows(page)[0] == (str(edited.index[0].date()), str(edited.iloc[0]))
    clock.lap("edit+stale+rerun")

    assert page_log.unexpected_errors() == []
    record_property("timings", clock.describe())
    print(f"{server.app}: {clock.describe()}")


# -- 2-5. edge cases on one shared page ---------------------------------------------------------


def test_preview_escapes_markup(edge: SharedPage) -> None:
    from playwright.sync_api import expect

    page = edge.page
    click_node(page, "hostile_table")
    panel = wait_for_preview(page, "hostile_table", "fresh")
    text = panel.inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    expect(panel.locator("img")).to_have_count(0)
    expect(panel.locator("script")).to_have_count(0)
    wait_for_state(page, "hostile_table", "fresh")

    click_node(page, "hostile_error")
    panel = wait_for_preview(page, "hostile_error", "error")
    assert '<img src=x onerror="window.__pwned=3">' in panel.inner_text()
    expect(panel.locator("img")).to_have_count(0)
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert edge.log.unexpected_errors() == []


def test_missing_input_explains_which(edge: SharedPage) -> None:
    from playwright.sync_api import expect

    page = edge.page
    wait_for_state(page, "needs_region", "missing-input")
    wait_for_state(page, "region", "missing-input")
    wait_for_state(page, "x", "input")
    click_node(page, "needs_region")
    panel = wait_for_preview(page, "needs_region", "missing-input")
    expect(panel.locator(".sf-preview-summary")).to_contain_text("'region'")
    expect(panel).to_contain_text("flow.inputs['region']")
    wait_for_state(page, "needs_region", "missing-input")


def test_error_shows_exception_and_user_line(edge: SharedPage) -> None:
    from playwright.sync_api import expect

    page = edge.page
    click_node(page, "ratio")
    panel = wait_for_preview(page, "ratio", "error")
    wait_for_state(page, "ratio", "error")
    expect(panel).to_contain_text("ZeroDivisionError")
    expect(panel).to_contain_text("return x / zero")
    expect(panel).to_contain_text(EDGE_MODULE)
    assert "sideflow/" not in panel.inner_text().replace("\\", "/").split(EDGE_MODULE)[-1]


def test_syntax_error_banner_keeps_graph(edge: SharedPage, server: JupyterServer) -> None:
    from playwright.sync_api import expect

    page = edge.page
    root = widget(page)
    banner = root.locator(".sf-message")
    expect(banner).to_be_hidden()
    nodes = root.locator("g.sf-node")
    count = nodes.count()
    states = _states(page)
    module = server.root_dir / EDGE_MODULE
    broken = EDGE_SOURCE + "\n\ndef unfinished(x: float) -> float\n    return x\n"
    line = broken.splitlines().index("def unfinished(x: float) -> float") + 1
    try:
        module.write_text(broken, encoding="utf-8")
        run_code_in_new_cell(page, "pass")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(f"{EDGE_MODULE}:{line}")
        expect(banner).to_contain_text("SyntaxError")
        expect(nodes).to_have_count(count)
        expect(page.locator(ROOT)).to_have_count(1)
    finally:
        module.write_text(EDGE_SOURCE, encoding="utf-8")
    run_code_in_new_cell(page, "pass")
    expect(banner).to_be_hidden()
    expect(nodes).to_have_count(count)
    assert _states(page) == states  # same code as before the broken save: every result survived
    assert not re.search(r"\S", banner.text_content() or "")
    assert edge.log.unexpected_errors() == []
