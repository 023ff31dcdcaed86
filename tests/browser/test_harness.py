"""The browser harness works end to end, without sideflow: print, a widget, re-runs, edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .pages import (
    PageLog,
    Stopwatch,
    cell_output,
    open_notebook,
    run_all_cells,
    run_cell_by_index,
    run_code_in_new_cell,
    wait_for_output,
)
from .servers import APPS, App, StartJupyter, write_notebook

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NOTEBOOK = "harness.ipynb"
CELLS = (
    "print(6*7)",
    'import ipywidgets\nipywidgets.Button(description="hello")',
    'import side\nprint(f"side says {side.VALUE}")',
)


@pytest.fixture
def harness_dir(tmp_path: Path) -> Path:
    """A notebooks folder: a three-cell notebook and the side module it imports."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / NOTEBOOK, CELLS)
    (folder / "side.py").write_text("VALUE = 1\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("app", APPS, ids=["jupyterlab", "notebook7"])
def test_run_all_then_rerun_after_editing_a_side_file(
    app: App,
    start_jupyter: StartJupyter,
    page: Page,
    page_log: PageLog,
    harness_dir: Path,
    record_property: Callable[[str, object], None],
) -> None:
    from playwright.sync_api import expect

    clock = Stopwatch()
    server = start_jupyter(app, harness_dir)
    clock.lap("server")
    open_notebook(page, server, NOTEBOOK)
    clock.lap("open+kernel")

    assert run_all_cells(page), "a cell raised during Run All"
    expect(cell_output(page, 0)).to_have_text("42")
    button = wait_for_output(page, "button.widget-button", index=1)
    expect(button).to_have_text("hello")
    expect(cell_output(page, 2)).to_have_text("side says 1")
    clock.lap("run all")

    # What the widget tests do next: edit the side module on disk, then run a cell.
    # The new text has another size: a .pyc is trusted when the source's size and
    # mtime (whole seconds) match, and this edit may land in the same second.
    (server.root_dir / "side.py").write_text("VALUE = 20\n", encoding="utf-8")
    reload = 'import importlib\nimportlib.reload(side)\nprint("now", side.VALUE)'
    index = run_code_in_new_cell(page, reload)
    assert index == len(CELLS)
    expect(cell_output(page, index)).to_have_text("now 20")
    assert run_cell_by_index(page, 2)
    expect(cell_output(page, 2)).to_have_text("side says 20")
    failing = run_code_in_new_cell(page, "1/0")
    expect(cell_output(page, failing)).to_contain_text("ZeroDivisionError")
    assert not run_cell_by_index(page, failing), "a raising cell must report failure"
    clock.lap("edit+rerun")

    assert page_log.unexpected_errors() == []
    record_property("timings", clock.describe())
    print(f"{app}: {clock.describe()}")
