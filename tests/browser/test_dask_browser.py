"""The graph widget driving a real Dask cluster from JupyterLab: `%dataflow --executor client`,
clicks run on the workers, node states turn running and fresh live as Dask tasks finish."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from .pages import PageLog, open_notebook, run_all_cells, run_code_in_new_cell
from .servers import JupyterServer, start_server, write_notebook
from .widgets import click_node, node, wait_for_node, wait_for_preview, wait_for_state

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

NOTEBOOK = "dask_cluster.ipynb"
MODULE = '''\
"""Nodes for the Dask browser test: where a node ran, a slow and a fast branch."""

import time


def where(x: float) -> str:
    """Which process ran this node."""
    from distributed import get_worker

    try:
        return f"worker {get_worker().name}"
    except ValueError:
        return "the kernel"


def slow(x: float) -> float:
    time.sleep(2.0)
    return x * 2


def fast(x: float) -> float:
    return x + 1


def total(slow: float, fast: float) -> float:
    return slow + fast
'''
CELLS = (
    "%load_ext sideflow",
    "import logging\nfrom distributed import Client, LocalCluster\n"
    "cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,\n"
    "                       dashboard_address=None, silence_logs=logging.ERROR)\n"
    "client = Client(cluster)\ndata = {'x': 3.0}",
    "%dataflow dask_nodes.py --inputs data --executor client",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    work_dir = tmp_path_factory.mktemp("dask-lab")
    root = work_dir / "root"
    root.mkdir()
    (root / "dask_nodes.py").write_text(MODULE, encoding="utf-8")
    write_notebook(root / NOTEBOOK, CELLS)
    started = start_server("lab", root, work_dir)
    yield started
    started.stop()


def test_clicks_run_on_the_cluster_with_live_states(server: JupyterServer, chromium: Browser) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    log = PageLog().attach(page)
    try:
        open_notebook(page, server, NOTEBOOK)
        assert run_all_cells(page), "a cell raised during Run All"
        wait_for_node(page, "total")

        click_node(page, "where")
        panel = wait_for_preview(page, "where", "fresh")
        expect(panel).to_contain_text("worker")  # ran on a Dask worker, not in the kernel

        click_node(page, "total")
        wait_for_state(page, "fast", "fresh")  # its task finished while slow's still runs
        assert node(page, "slow").get_attribute("data-state") == "running"
        assert node(page, "total").get_attribute("data-state") in ("idle", "running")
        panel = wait_for_preview(page, "total", "fresh")
        expect(panel).to_contain_text("10")  # slow 6.0 + fast 4.0
        wait_for_state(page, "slow", "fresh")
        assert log.unexpected_errors() == []
    finally:
        run_code_in_new_cell(page, "client.close()\ncluster.close()")
        context.close()
