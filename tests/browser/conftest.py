"""Fixtures for the browser tests: Chromium, a page, private Jupyter servers, failure artifacts.

Typical use::

    @pytest.mark.browser
    def test_x(start_jupyter, page, notebooks_dir):
        server = start_jupyter("lab", notebooks_dir)   # serves a tmp copy
        open_notebook(page, server, "01-quickstart.ipynb")
        assert run_all_cells(page)

Helpers: pages.py (open a notebook, run cells, wait for output) and servers.py
(the server, its REST view of kernels, notebook files).

When a test fails, a screenshot, the page's errors and the server log are
saved to tests/artifacts/ and named in the report.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .pages import PageLog, chromium_missing_reason, launch_chromium
from .servers import TIMEOUT_S, App, JupyterServer, StartJupyter, copy_tree, start_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ALLOW_SKIP_ENV = "SIDEFLOW_ALLOW_SKIP_BROWSER"

PAGES = pytest.StashKey[list[tuple["Page", PageLog]]]()
SERVERS = pytest.StashKey[list[JupyterServer]]()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole session (each test gets a fresh context)."""
    reason = chromium_missing_reason()
    if reason is not None:
        if os.environ.get(ALLOW_SKIP_ENV) == "1":
            pytest.skip(f"browser tests skipped: {reason} ({ALLOW_SKIP_ENV}=1)")
        pytest.fail(
            f"browser tests cannot run: {reason}. Set {ALLOW_SKIP_ENV}=1 to skip them instead (never in CI).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page_log() -> PageLog:
    """Page errors and console errors of `page`; `.unexpected_errors()` drops known noise."""
    return PageLog()


@pytest.fixture
def page(chromium: Browser, page_log: PageLog, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh browser context, with its errors recorded in `page_log`."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_S * 1000)
    new_page = context.new_page()
    request.node.stash.setdefault(PAGES, []).append((new_page, page_log.attach(new_page)))
    yield new_page
    context.close()


@pytest.fixture
def start_jupyter(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[StartJupyter]:
    """Factory: `start_jupyter("lab" | "notebook", notebooks_dir)` serves a tmp copy.

    Edit files under `server.root_dir`, not the originals. Servers (and their
    kernels) stop when the test ends.
    """
    servers = request.node.stash.setdefault(SERVERS, [])

    def start(app: App, notebooks: Path) -> JupyterServer:
        work_dir = tmp_path_factory.mktemp(f"jupyter-{app}")
        root_dir = copy_tree(notebooks, work_dir / "root")
        server = start_server(app, root_dir, work_dir)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def notebooks_dir() -> Path:
    """The repository's notebooks/ folder (copy it with `start_jupyter`, never edit it)."""
    return Path(__file__).resolve().parents[2] / "notebooks"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and report.when in ("setup", "call"):
        lines = _save_artifacts(item)
        if lines:
            report.sections.append(("browser artifacts", "\n".join(lines)))
    return report


def _save_artifacts(item: pytest.Item) -> list[str]:
    """Screenshot, page errors and server log of a failed test; returns report lines."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
    lines: list[str] = []
    pages = item.stash.get(PAGES, [])
    servers = item.stash.get(SERVERS, [])
    if pages or servers:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, (page, log) in enumerate(pages):
        suffix = f"-{number}" if len(pages) > 1 else ""
        png = ARTIFACTS / f"{stem}{suffix}.png"
        try:
            page.screenshot(path=str(png), full_page=True, timeout=10_000)
            lines.append(f"screenshot: {png}")
        except Exception as error:  # a crashed or closed page must not hide the failure
            lines.append(f"screenshot failed: {error!r}")
        if log.errors or log.console:
            text = ARTIFACTS / f"{stem}{suffix}.console.txt"
            errors, console = "\n".join(log.errors), "\n".join(log.console)
            text.write_text(f"page errors:\n{errors}\n\nconsole:\n{console}\n", encoding="utf-8")
            lines.append(f"page errors/console: {text}")
            lines.extend(f"  page error: {error}" for error in log.errors[:10])
    for number, server in enumerate(servers):
        suffix = f"-{number}" if len(servers) > 1 else ""
        server_log = ARTIFACTS / f"{stem}{suffix}.{server.app}-server.log"
        log_text = server.log_text()
        server_log.write_text(log_text, encoding="utf-8")
        lines.append(f"server log: {server_log}")
        lines.extend(f"  | {line}" for line in log_text.splitlines()[-25:])
    return lines
