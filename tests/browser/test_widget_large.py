"""A 500-node feature module in a real JupyterLab / Notebook 7: readable at fit, search jumps
to and selects a node with the matches highlighted, focus shows the selection ± N hops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from benchmarks.generate import generate
from sideflow import Dataflow

from .servers import APPS, JupyterServer, start_server, write_notebook
from .shared import Shared, keep_artifacts, shared_notebook
from .widgets import ROOT, node, widget

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

N = 500
CASE = generate("features", N)
NOTEBOOK = "large.ipynb"
CELLS = (
    "%load_ext sideflow",
    "data = {" + ", ".join(f"{name!r}: 1.0" for name in CASE.inputs) + "}",
    f"%dataflow {CASE.module_name}.py --inputs data",
)


@pytest.fixture(scope="module", params=APPS, ids=["jupyterlab", "notebook7"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    work_dir = tmp_path_factory.mktemp(f"large-{request.param}")
    root = work_dir / "root"
    root.mkdir()
    (root / f"{CASE.module_name}.py").write_text(CASE.source, encoding="utf-8")
    write_notebook(root / NOTEBOOK, CELLS)
    started = start_server(request.param, root, work_dir)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def shared(server: JupyterServer, chromium: Browser) -> Iterator[Shared]:
    with shared_notebook(chromium, server, NOTEBOOK, [f"feat_{N - 1}"]) as found:
        yield found


@pytest.fixture(autouse=True)
def _artifacts(request: pytest.FixtureRequest) -> None:
    keep_artifacts(request)


def _inside_canvas(page: Page, name: str) -> bool:
    inside: bool = widget(page).evaluate(
        """(root, name) => {
            const box = root.querySelector('.sf-svg').getBoundingClientRect();
            const g = [...root.querySelectorAll('g.sf-node')].find(g => g.dataset.node === name);
            const r = g.getBoundingClientRect();
            return r.left >= box.left && r.top >= box.top && r.right <= box.right && r.bottom <= box.bottom;
        }""",
        name,
    )
    return inside


def _label_px(page: Page, name: str) -> float:
    box = node(page, name).locator(".sf-label").bounding_box() or {}
    return float(box.get("height", 0.0))


def test_labels_stay_readable_at_fit(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    expect(page.locator(f"{ROOT} g.sf-node")).to_have_count(N + len(CASE.inputs))
    assert float(root.get_attribute("data-zoom") or 0) >= 0.75 - 1e-3
    expect(root.locator(".sf-hint")).to_contain_text("showing part at readable size")
    assert _label_px(page, CASE.inputs[0]) >= 9
    root.locator(".sf-all").click()  # "all" shows everything, however small
    assert float(root.get_attribute("data-zoom") or 1) < 0.75
    root.locator(".sf-fit").click()
    assert float(root.get_attribute("data-zoom") or 0) >= 0.75 - 1e-3


def test_search_highlights_matches_and_jumps_to_the_first(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    search = root.locator(".sf-search")
    search.fill("feat_25")
    expected = ["feat_25", *(f"feat_{i}" for i in range(250, 260))]
    expect(root).to_have_attribute("data-matches", str(len(expected)))
    expect(root.locator("g.sf-node.sf-match")).to_have_count(len(expected))
    search.press("Enter")
    expect(root).to_have_attribute("data-selected", "feat_25")  # exact match first
    assert _inside_canvas(page, "feat_25")
    search.press("Enter")
    expect(root).to_have_attribute("data-selected", "feat_250")
    assert _inside_canvas(page, "feat_250")
    assert _label_px(page, "feat_250") >= 9
    expect(root.locator(".sf-match-count")).to_have_text(f"2/{len(expected)} matches")
    expect(root.locator("g.sf-node.sf-selected")).to_have_count(1)


def _neighbourhood(name: str, hops: int) -> set[str]:
    graph = Dataflow(_module()).graph
    keep = {name}
    for walk in (lambda n: graph.parents.get(n, ()), lambda n: graph.children.get(n, ())):
        frontier = {name}
        for _ in range(hops):
            frontier = {m for n in frontier for m in walk(n)} - keep
            keep |= frontier
    return keep


def _module():  # the generated module, loaded from its source
    import types

    module = types.ModuleType(CASE.module_name)
    exec(compile(CASE.source, f"{CASE.module_name}.py", "exec"), module.__dict__)
    return module


def test_focus_shows_the_selection_and_its_neighbours(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    assert root.get_attribute("data-selected") == "feat_250"
    root.locator(".sf-focus-toggle").check()
    shown = root.locator("g.sf-node:not(.sf-hidden)")
    want = _neighbourhood("feat_250", 2)
    expect(shown).to_have_count(len(want))
    names = set(shown.evaluate_all("els => els.map(g => g.dataset.node)"))
    assert names == want
    assert _inside_canvas(page, "feat_250")
    root.locator(".sf-hops").fill("1")
    expect(shown).to_have_count(len(_neighbourhood("feat_250", 1)))
    hidden_edges = root.locator("path.sf-edge.sf-hidden").count()
    assert hidden_edges > 0
    root.locator(".sf-focus-toggle").uncheck()
    expect(shown).to_have_count(N + len(CASE.inputs))
    assert shared.log.unexpected_errors() == []
