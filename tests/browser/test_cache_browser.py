"""A kernel restart in a real JupyterLab: cached nodes come back fresh, marked, and preview at once.

The notebook's module appends a line to a file each time a node runs, so "not
recomputed" is checked outside the kernel and outside the cache.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .pages import open_notebook, run_all_cells
from .servers import write_notebook
from .widgets import click_node, duration_text, node, wait_for_node, wait_for_preview, wait_for_state

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .servers import StartJupyter

pytestmark = pytest.mark.browser

MODULE = '''\
"""A dear node (stored by the cache) and a cheap one below it (recomputed)."""

import time

import pandas as pd


def _ran(name):  # named from the module's own path: not a data file the nodes read
    with open(__file__[:-3] + ".calls", "a") as f:
        f.write(name + "\\n")


def cleaned(raw: pd.Series) -> pd.Series:
    """Takes a while: worth storing."""
    _ran("cleaned")
    time.sleep(0.5)
    return raw.abs()


def total(cleaned: pd.Series) -> float:
    """Cheap: recomputed from the stored `cleaned`."""
    _ran("total")
    return float(cleaned.sum())
'''
CELLS = (
    "%load_ext sideflow",
    "import pandas as pd\ndata = {'raw': pd.Series([-1.5, 2.0, -3.0])}",
    "%dataflow restart_nodes.py --inputs data",
    "flow.run(['total'])",
)

_RESTART = """async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.session.kernel.restart();
}"""


def test_after_a_kernel_restart_cached_nodes_are_fresh_and_preview_without_recomputing(
    start_jupyter: StartJupyter, page: Page, tmp_path: Path
) -> None:
    folder = tmp_path / "nb"
    folder.mkdir()
    (folder / "restart_nodes.py").write_text(MODULE, encoding="utf-8")
    write_notebook(folder / "restart.ipynb", CELLS)
    server = start_jupyter("lab", folder)
    calls = server.root_dir / "restart_nodes.calls"

    open_notebook(page, server, "restart.ipynb")
    assert run_all_cells(page)
    wait_for_state(page, "cleaned", "fresh")
    assert calls.read_text().split() == ["cleaned", "total"]
    assert node(page, "cleaned").get_attribute("data-cached") == ""

    page.evaluate(_RESTART)
    open_notebook(page, server, "restart.ipynb")  # waits for the new kernel to be idle
    assert run_all_cells(page)
    wait_for_node(page, "cleaned")
    target = wait_for_state(page, "cleaned", "fresh")
    wait_for_state(page, "total", "fresh")
    assert calls.read_text().split() == ["cleaned", "total", "total"]  # `cleaned` came from the cache
    assert target.get_attribute("data-cached")  # when it was computed (ISO time)
    assert duration_text(target).endswith("cached")
    assert not duration_text(node(page, "total")).endswith("cached")

    click_node(page, "cleaned")
    panel = wait_for_preview(page, "cleaned", "fresh")
    assert "3 rows" in (panel.locator(".sf-preview-summary").text_content() or "")
    assert calls.read_text().split() == ["cleaned", "total", "total"]  # the click recomputed nothing
