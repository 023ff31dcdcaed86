"""Drive a notebook page in headless Debian Chromium (Playwright, sync API).

Responsibilities:
- launch Chromium (never a browser downloaded by Playwright: no internet);
- open a notebook and wait for its kernel, run cells, wait for output;
- record page errors and time the phases of a test.

Cells are run through the front end's own command registry
(``window.jupyterapp.commands``, exposed with ``expose_app_in_browser``): it is
the command the Run menu calls, it is the same in JupyterLab and Notebook 7,
and its promise resolves only when the kernel has answered, so no menu
hovering and no polling of "[*]" prompts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .servers import TIMEOUT_S, JupyterServer, wait_kernel_idle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright

CHROMIUM = Path(os.environ.get("SIDEFLOW_CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps calling home on a closed network.
# /dev/shm is 64 MiB in default Docker containers: --disable-dev-shm-usage
# keeps the renderer from crashing there.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

# Page errors that are not ours: Notebook 7.6 logs this one on every load.
KNOWN_PAGE_ERRORS = ("Cannot read properties of undefined (reading 'schema')",)

# JavaScript: the notebook panel in the main area, in JupyterLab and Notebook 7.
_PANEL_JS = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
if (!panel || !panel.content || !panel.sessionContext) {
    throw new Error('no notebook is open in the main area');
}
const nb = panel.content;
"""


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found (run bash scripts/setup.sh, or apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with a fresh profile (Playwright makes a temporary one)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))


@dataclass
class PageLog:
    """Page errors and console errors seen by one page."""

    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> PageLog:
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._on_console)
        return self

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.console.append(f"{message.type}: {message.text}")

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(known in e for known in KNOWN_PAGE_ERRORS)]


def open_notebook(page: Page, server: JupyterServer, name: str, timeout_s: float = TIMEOUT_S) -> None:
    """Open `name` (relative to the server's root dir); return once its kernel is idle."""
    page.goto(server.notebook_url(name), timeout=timeout_s * 1000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=timeout_s * 1000)
    wait_kernel_idle(server, name, timeout_s)
    # The server's view is not enough: the page's own session must be ready too.
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        timeout=timeout_s * 1000,
    )


def run_all_cells(page: Page, timeout_s: float = TIMEOUT_S) -> bool:
    """Run > Run All Cells; return once every cell ran (False if one raised)."""
    return _run_command(page, "notebook:run-all-cells", timeout_s)


def run_cell_by_index(page: Page, index: int, timeout_s: float = TIMEOUT_S) -> bool:
    """Run cell `index` (0-based) alone; return once it ran (False if it raised)."""
    page.evaluate(
        _in_panel(
            "index",
            """
            if (index < 0 || index >= nb.widgets.length) {
                throw new Error(`cell ${index} out of range (0..${nb.widgets.length - 1})`);
            }
            nb.activeCellIndex = index;
            nb.deselectAll();
            """,
        ),
        index,
    )
    return _run_command(page, "notebook:run-cell", timeout_s)


def run_code_in_new_cell(page: Page, code: str, timeout_s: float = TIMEOUT_S) -> int:
    """Append a code cell holding `code`, run it, and return its index.

    The source is set on the cell model rather than typed, so the editor's
    auto-indent and bracket closing cannot change it.
    """
    index: int = page.evaluate(
        _in_panel(
            "code",
            """
            nb.activeCellIndex = nb.widgets.length - 1;
            nb.deselectAll();
            await app.commands.execute('notebook:insert-cell-below');
            if (nb.activeCell.model.type !== 'code') {
                await app.commands.execute('notebook:change-cell-to-code');
            }
            nb.activeCell.model.sharedModel.setSource(code);
            return nb.activeCellIndex;
            """,
        ),
        code,
    )
    _run_command(page, "notebook:run-cell", timeout_s)
    return index


def _run_command(page: Page, command: str, timeout_s: float) -> bool:
    # page.evaluate has no timeout of its own: race the command against one.
    result = page.evaluate(
        _in_panel(
            "[command, ms]",
            """
            const late = new Promise((_, reject) => setTimeout(
                () => reject(new Error(`${command} did not finish within ${ms} ms`)), ms));
            return await Promise.race([app.commands.execute(command), late]);
            """,
        ),
        [command, timeout_s * 1000],
    )
    return bool(result)


def _in_panel(params: str, body: str) -> str:
    """An async JavaScript function of `params` whose body sees `app`, `panel`, `nb`."""
    return f"async ({params}) => {{ {_PANEL_JS} {body} }}"


def cell(page: Page, index: int) -> Locator:
    """The cell `index` (0-based) of the open notebook."""
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def cell_output(page: Page, index: int) -> Locator:
    """The output area of cell `index`."""
    return cell(page, index).locator(".jp-OutputArea")


def wait_for_selector(
    page: Page | Locator,
    selector: str,
    state: Literal["attached", "detached", "hidden", "visible"] = "visible",
    timeout_s: float = TIMEOUT_S,
) -> Locator:
    """Wait for the first match of a CSS selector (in the page or inside a locator)."""
    locator = page.locator(selector).first
    locator.wait_for(state=state, timeout=timeout_s * 1000)
    return locator


def wait_for_output(
    page: Page, selector: str, index: int | None = None, timeout_s: float = TIMEOUT_S
) -> Locator:
    """Wait for `selector` inside an output area: cell `index`'s, or any cell's."""
    scope = cell_output(page, index) if index is not None else page.locator(".jp-OutputArea")
    return wait_for_selector(scope, selector, timeout_s=timeout_s)


def wait_for_attribute(locator: Locator, name: str, value: str, timeout_s: float = TIMEOUT_S) -> None:
    """Wait until the element's attribute `name` equals `value` (e.g. data-state="stale")."""
    from playwright.sync_api import expect

    expect(locator).to_have_attribute(name, value, timeout=timeout_s * 1000)


Clock = Callable[[], float]


class Stopwatch:
    """Named lap times, for reporting how long each phase of a browser test takes."""

    def __init__(self, clock: Clock = time.perf_counter) -> None:
        self._clock = clock
        self._last = clock()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = self._clock()
        self.laps[name] = now - self._last
        self._last = now

    def describe(self) -> str:
        total = sum(self.laps.values())
        parts = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.laps.items())
        return f"{total:.1f}s ({parts})"
