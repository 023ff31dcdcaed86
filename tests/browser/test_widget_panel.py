"""The panel and the view in a real JupyterLab / Notebook 7: expressions that work, inputs and
their defaults, errors led by the user's frames, hover cards with why and plan, a layout that
stays put when a `%%dataflow` cell adds a node, and the static picture in the saved notebook.

One server per front end and one shared page (the tests run in file order on it).
"""

from __future__ import annotations

import base64
import json
import math
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .pages import run_code_in_new_cell
from .servers import APPS, JupyterServer, start_server, write_notebook
from .shared import Shared, keep_artifacts, shared_notebook
from .widgets import ROOT, click_node, node, preview, wait_for_node, wait_for_preview, wait_for_state, widget

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NOTEBOOK = "panel.ipynb"
MODULE = "panel_nodes.py"
SOURCE = '''\
"""Nodes for the panel tests."""

import pandas as pd


def scale_of(x: float) -> float:
    return 2.0


def scaled(spend: pd.Series, factor: float = 1.5) -> pd.Series:
    """Spend times an optional factor."""
    return spend * factor * scale_of(1.0)


def total(scaled: pd.Series) -> float:
    """One number."""
    return float(scaled.sum())


def unnamed(spend: pd.Series) -> pd.Series:
    return pd.Series(spend.values)


def lookup(spend: pd.Series) -> float:
    """Fails inside pandas."""
    frame = spend.to_frame()
    return float(frame["no_such_column"].sum())


def wide(spend: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({f"c{i}": spend for i in range(12)})
'''
CELLS = (
    "%load_ext sideflow",
    'import pandas as pd\nspend = pd.Series([1.0, 2.0, 3.0], name="spend")\ndata = {"spend": spend}',
    f"%dataflow {MODULE} --inputs data",
)
NODES = ("spend", "factor", "scaled", "total", "unnamed", "lookup", "wide")


@pytest.fixture(scope="module", params=APPS, ids=["jupyterlab", "notebook7"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    work_dir = tmp_path_factory.mktemp(f"panel-{request.param}")
    root = work_dir / "root"
    root.mkdir()
    (root / MODULE).write_text(SOURCE, encoding="utf-8")
    write_notebook(root / NOTEBOOK, CELLS)
    started = start_server(request.param, root, work_dir)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def shared(server: JupyterServer, chromium: Browser) -> Iterator[Shared]:
    with shared_notebook(chromium, server, NOTEBOOK, NODES) as found:
        yield found


@pytest.fixture(autouse=True)
def _artifacts(request: pytest.FixtureRequest) -> None:
    keep_artifacts(request)


def _last_output_text(page: Page, index: int) -> str:
    from .pages import cell_output

    return cell_output(page, index).inner_text()


def test_an_input_says_input_and_its_expression_works(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    wait_for_state(page, "spend", "input")
    click_node(page, "spend")
    panel = wait_for_preview(page, "spend", "input")
    expect(panel.locator(".sf-badge")).to_have_text("input")
    expect(panel.locator(".sf-expression")).to_have_text("flow.inputs['spend']")
    index = run_code_in_new_cell(page, "print(flow.inputs['spend'].tolist())")
    assert "[1.0, 2.0, 3.0]" in _last_output_text(page, index)


def test_an_optional_input_shows_its_default_in_use(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    wait_for_state(page, "factor", "input")  # not missing-input: the default serves
    click_node(page, "factor")
    panel = wait_for_preview(page, "factor", "input")
    expect(panel.locator(".sf-preview-summary")).to_have_text(
        "optional input, not given: the default 1.5 is used")
    expect(panel.locator(".sf-expression")).to_have_count(0)
    assert "no value yet" not in panel.inner_text()


def test_an_error_leads_with_the_users_line(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    click_node(page, "lookup")
    panel = wait_for_preview(page, "lookup", "error")
    expect(panel.locator(".sf-expression")).to_have_text("flow.errors['lookup']")
    expect(panel.locator(".sf-preview-summary")).to_contain_text("KeyError: 'no_such_column'")
    first = panel.locator(".sf-user-frames li").first
    expect(first).to_contain_text(f"{MODULE}:")
    expect(first).to_contain_text('return float(frame["no_such_column"].sum())')
    folded = panel.locator("details.sf-library-frames")
    expect(folded).to_have_count(1)
    assert folded.get_attribute("open") is None
    expect(folded.locator("summary")).to_contain_text("pandas")
    # the message once on the first screen: the summary; no second red header
    expect(panel.locator(".sf-error-summary")).to_have_count(0)
    visible = panel.locator(".sf-preview-summary, .sf-user-frames").all_inner_texts()
    assert "\n".join(visible).count("KeyError") == 1
    wait_for_state(page, "lookup", "error")
    index = run_code_in_new_cell(page, "print(type(flow.errors['lookup'].original).__name__)")
    assert "KeyError" in _last_output_text(page, index)


def test_a_scalar_shows_once_and_series_look_alike(shared: Shared) -> None:
    page = shared.page
    click_node(page, "total")
    panel = wait_for_preview(page, "total", "fresh")
    assert panel.inner_text().count("18.0") == 1  # (1+2+3) * 1.5 * 2
    headers = {}
    for name in ("scaled", "unnamed"):
        click_node(page, name)
        panel = wait_for_preview(page, name, "fresh")
        headers[name] = panel.locator("thead tr").count()
    assert headers == {"scaled": 1, "unnamed": 1}


def test_the_panel_keeps_its_height(shared: Shared) -> None:
    page = shared.page
    root = widget(page)
    panel = preview(page)
    before = (panel.bounding_box() or {})["height"], (root.bounding_box() or {})["height"]
    click_node(page, "wide")
    wait_for_preview(page, "wide", "fresh")
    after = (panel.bounding_box() or {})["height"], (root.bounding_box() or {})["height"]
    assert after == pytest.approx(before, abs=1)
    assert panel.evaluate("p => getComputedStyle(p).overflowY") == "auto"


def test_hover_card_instead_of_title(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    expect(root.locator("title")).to_have_count(0)
    node(page, "scaled").locator(".sf-shape").hover()
    card = root.locator(".sf-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("scaled(spend: Series, factor: float) -> Series")
    expect(card).to_contain_text("Spend times an optional factor.")
    expect(card).to_contain_text(f"{MODULE}:")
    expect(card.locator(".sf-card-duration")).to_be_visible()  # it ran: last duration
    expect(card.locator(".sf-card-plan")).to_contain_text("runs nothing")


def test_a_long_touch_shows_the_card_and_runs_nothing(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    page.mouse.move(5, 5)
    expect(root.locator(".sf-card")).to_be_hidden()
    before = preview(page).get_attribute("data-node")
    node(page, "total").locator(".sf-shape").evaluate(
        """async shape => {
            const r = shape.getBoundingClientRect();
            const at = {clientX: r.x + r.width / 2, clientY: r.y + r.height / 2, bubbles: true,
                        pointerType: 'touch', pointerId: 7, isPrimary: true, button: 0};
            shape.dispatchEvent(new PointerEvent('pointerdown', at));
            await new Promise(done => setTimeout(done, 700));
            shape.dispatchEvent(new PointerEvent('pointerup', at));
        }"""
    )
    card = root.locator(".sf-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("total(scaled: Series) -> float")
    page.wait_for_timeout(300)
    assert preview(page).get_attribute("data-node") == before  # nothing ran
    assert root.get_attribute("data-busy") == ""


def test_a_helper_edit_explains_staleness_and_hover_shows_the_plan(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    module = shared.server.root_dir / MODULE
    module.write_text(SOURCE.replace("return 2.0", "return 3.0"), encoding="utf-8")
    run_code_in_new_cell(page, "pass")
    wait_for_state(page, "scaled", "stale")
    wait_for_state(page, "total", "stale")
    root = widget(page)
    card = root.locator(".sf-card")
    node(page, "scaled").locator(".sf-shape").hover()
    expect(card.locator(".sf-why-text")).to_contain_text("scale_of")  # the helper, by name
    node(page, "total").locator(".sf-shape").hover()
    expect(card.locator(".sf-why-text")).to_contain_text("upstream 'scaled'")
    expect(card.locator(".sf-card-plan")).to_contain_text("scaled → total")
    expect(node(page, "scaled")).to_have_class(re.compile(r"\bsf-will-run\b"))
    expect(node(page, "total")).to_have_class(re.compile(r"\bsf-will-run\b"))
    expect(node(page, "unnamed")).not_to_have_class(re.compile(r"\bsf-will-run\b"))
    page.mouse.move(5, 5)
    expect(node(page, "scaled")).not_to_have_class(re.compile(r"\bsf-will-run\b"))


def _centres(page: Page) -> dict[str, tuple[float, float]]:
    found: dict[str, list[float]] = page.locator(ROOT).first.evaluate(
        """root => Object.fromEntries([...root.querySelectorAll('g.sf-node')].map(g => {
            const r = g.querySelector('.sf-shape').getBoundingClientRect();
            return [g.dataset.node, [r.x + r.width / 2, r.y + r.height / 2]];
        }))"""
    )
    return {k: (v[0], v[1]) for k, v in found.items()}


def test_a_new_node_moves_no_other_and_the_view_is_kept(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    root = widget(page)
    root.locator(".sf-search").fill("unnamed")
    root.locator(".sf-search").press("Enter")  # select a node: the selection must survive too
    expect(root).to_have_attribute("data-selected", "unnamed")
    root.locator(".sf-zoom-in").click()  # the user's own zoom: it must survive the edit
    view = root.locator(".sf-viewport").get_attribute("transform")
    before = _centres(page)
    height = (node(page, "scaled").locator(".sf-shape").bounding_box() or {})["height"]
    run_code_in_new_cell(page, "%%dataflow\ndef doubled_total(total: float) -> float:\n    return 2 * total")
    wait_for_node(page, "doubled_total")
    expect(root.locator(".sf-viewport")).to_have_attribute("transform", view or "")
    expect(root).to_have_attribute("data-selected", "unnamed")
    expect(root.locator(".sf-search")).to_have_value("unnamed")
    after = _centres(page)
    still = [n for n in before if math.dist(before[n], after[n]) < height]
    assert len(still) / len(before) >= 0.9, (before, after)
    assert len(still) == len(before)  # this layout moves none at all for an added leaf


def test_the_saved_notebook_shows_a_picture_without_a_kernel(shared: Shared) -> None:
    from playwright.sync_api import expect

    page = shared.page
    hidden = page.locator(".jp-OutputArea-child.sf-picture-hidden")
    expect(hidden).to_have_count(1)  # the live view hides its static picture
    expect(hidden).to_be_hidden()
    page.evaluate("async () => { await window.jupyterapp.commands.execute('docmanager:save'); }")
    saved = shared.server.root_dir / NOTEBOOK
    out = saved.with_suffix(".html")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(saved),
                    "--output", out.name], check=True, capture_output=True, timeout=120)
    text = out.read_text(encoding="utf-8")
    img = re.search(r'<img[^>]*class="sf-picture"[^>]*>', text)
    assert img, "no picture in the nbconvert HTML"
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img.group(0))
    assert found, img.group(0)[:200]
    svg = base64.b64decode(found.group(1)).decode("utf-8")
    for name in NODES:
        assert f">{name}</text>" in svg
    assert 'data-state="input"' in svg
    book = json.loads(saved.read_text(encoding="utf-8"))
    bundles = [o.get("data", {}) for c in book["cells"] for o in c.get("outputs", [])]
    assert any("image/svg+xml" in b for b in bundles)
    assert shared.log.unexpected_errors() == []
