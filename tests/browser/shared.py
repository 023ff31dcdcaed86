"""One notebook opened once per test module and shared by its tests (with their artifacts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from .conftest import PAGES, SERVERS
from .pages import PageLog, open_notebook, run_all_cells
from .servers import JupyterServer
from .widgets import wait_for_node

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


class Shared:
    def __init__(self, page: Page, log: PageLog, server: JupyterServer) -> None:
        self.page, self.log, self.server = page, log, server


@contextmanager
def shared_notebook(
    chromium: Browser, server: JupyterServer, notebook: str, nodes: Iterable[str]
) -> Iterator[Shared]:
    """The notebook run to the end, with the given nodes drawn."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    page = context.new_page()
    log = PageLog().attach(page)
    open_notebook(page, server, notebook)
    assert run_all_cells(page)
    for name in nodes:
        wait_for_node(page, name)
    try:
        yield Shared(page, log, server)
    finally:
        context.close()


def keep_artifacts(request: pytest.FixtureRequest) -> None:
    """A failing test that used `shared` leaves its server log and page screenshot."""
    if "shared" in request.fixturenames:
        found = request.getfixturevalue("shared")
        request.node.stash.setdefault(SERVERS, []).append(found.server)
        request.node.stash.setdefault(PAGES, []).append((found.page, found.log))
