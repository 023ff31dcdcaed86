"""Drive sideflow's graph widget in a notebook page (the DOM contract of extension/static/graph.js).

- a node is `g.sf-node[data-node][data-role][data-state]`, its duration `text.sf-duration`;
- the preview panel is `.sf-preview[data-node][data-status]`, its expression `.sf-expression`;
- the rebuild banner is `.sf-message` (hidden when there is no message).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .pages import wait_for_attribute, wait_for_selector
from .servers import TIMEOUT_S

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = ".jp-OutputArea .sf-root"
# What formatDuration() in graph.js writes under a fresh node.
DURATION = re.compile(r"^(<1 ms|\d+ ms|\d+(\.\d+)? s|\d+ min \d+ s)$")


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def widget(page: Page, index: int = 0) -> Locator:
    """The `index`-th graph widget on the page."""
    return page.locator(ROOT).nth(index)


def node(scope: Page | Locator, name: str) -> Locator:
    """The node `name` (its `<g>`), in the first widget of `scope`."""
    root = scope.locator(ROOT).first if _is_page(scope) else scope
    return root.locator(f"g.sf-node[data-node={_quoted(name)}]")


def wait_for_node(scope: Page | Locator, name: str, timeout_s: float = TIMEOUT_S) -> Locator:
    """Wait until node `name` is drawn; return its locator."""
    found = node(scope, name)
    found.wait_for(state="attached", timeout=timeout_s * 1000)
    return found


def preview(scope: Page | Locator) -> Locator:
    root = scope.locator(ROOT).first if _is_page(scope) else scope
    return root.locator(".sf-preview")


def wait_for_preview(scope: Page | Locator, name: str, status: str, timeout_s: float = TIMEOUT_S) -> Locator:
    """Wait for the preview of `name` with `data-status` `status` (fresh, error, missing-input...)."""
    root = scope.locator(ROOT).first if _is_page(scope) else scope
    selector = f".sf-preview[data-node={_quoted(name)}][data-status={_quoted(status)}]"
    return wait_for_selector(root, selector, state="attached", timeout_s=timeout_s)


def click_node(scope: Page | Locator, name: str) -> Locator:
    """Click node `name` like a user (pointer down/up on its shape); return its locator."""
    target = wait_for_node(scope, name)
    target.locator(".sf-shape").click()
    return target


def wait_for_state(scope: Page | Locator, name: str, state: str, timeout_s: float = TIMEOUT_S) -> Locator:
    target = node(scope, name)
    wait_for_attribute(target, "data-state", state, timeout_s)
    return target


def duration_text(target: Locator) -> str:
    return target.locator("text.sf-duration").text_content() or ""


def _is_page(scope: Page | Locator) -> bool:
    return hasattr(scope, "goto")
