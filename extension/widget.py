"""The interactive graph widget: draws a laid-out DAG with node states and asks to run nodes."""

from __future__ import annotations

import base64
import html
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from .preview import count as _count
from .preview import preview_error
from .states import State

__all__ = ["STATES", "GraphWidget"]

_STATIC = Path(__file__).parent / "static"

STATES: tuple[str, ...] = typing.get_args(State)  # one list: states.py; graph.js is tested against it
PREVIEW_STATUSES = ("fresh", "input", "error", "missing-input", "refused")
Explainer = Callable[[str], Mapping[str, Any]]


class GraphWidget(anywidget.AnyWidget):
    """A dumb view of one dataflow.

    Responsibilities:
    - show the `graph` layout, coloured by `states`, with `durations` of fresh nodes;
    - show `preview` (already bounded and escaped by `preview.py`) and the `message` banner;
    - turn a click into one `on_run(name)` call, refusing clicks while a run is `busy`;
    - answer a hover's `explain` request with `on_explain(name)` (why / plan dicts);
    - ask `on_relayout()` for a fresh layout when the user tidies the graph;
    - display with a static SVG picture beside it, for front ends without its JavaScript.

    It knows nothing about the engine: a session calls `update()` / `show_preview()`.
    """

    _esm = _STATIC / "graph.js"
    _css = _STATIC / "graph.css"

    graph = t.Dict().tag(sync=True)
    states = t.Dict().tag(sync=True)
    durations = t.Dict().tag(sync=True)
    preview = t.Dict().tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    busy = t.Unicode("").tag(sync=True)
    name = t.Unicode("flow").tag(sync=True)  # the variable users type: flow.results['x']

    def __init__(
        self,
        on_run: Callable[[str], None] | None = None,
        *,
        name: str = "flow",
        on_explain: Explainer | None = None,
        on_relayout: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._on_run = on_run
        self._on_explain = on_explain
        self._on_relayout = on_relayout
        self.on_msg(self._on_front_end_message)

    def __repr__(self) -> str:
        nodes = self.graph.get("nodes") or []
        inputs = sum(1 for node in nodes if node.get("role") in ("input", "config"))
        functions = len(nodes) - inputs
        return f"GraphWidget({self.name}: {_count(functions, 'node')}, {_count(inputs, 'input')})"

    def update(
        self,
        graph: Mapping[str, Any] | None = None,
        states: Mapping[str, str] | None = None,
        durations: Mapping[str, float] | None = None,
        message: str | None = None,
    ) -> None:
        """Set several traitlets at once, so the front end sees one consistent change."""
        with self.hold_sync():
            if graph is not None:
                self.graph = dict(graph)
            if states is not None:
                self.states = dict(states)
            if durations is not None:
                self.durations = {k: float(v) for k, v in durations.items()}
            if message is not None:
                self.message = message

    def expression(self, node: str, status: str = "fresh") -> str:
        """What a user types to get the shown value back in the notebook ("" when nothing
        would work): a result, an input or config value, or the error a node raised."""
        role = next((n.get("role") for n in self.graph.get("nodes") or () if n.get("name") == node), None)
        if status == "error":
            return f"{self.name}.errors[{node!r}]"
        if status == "input":
            return f"{self.name}.{'config' if role == 'config' else 'inputs'}[{node!r}]"
        if status == "fresh" and role not in ("input", "config"):
            return f"{self.name}.results[{node!r}]"
        return ""

    def show_preview(
        self, node: str, payload: Mapping[str, str], status: str, expression: str | None = None
    ) -> None:
        """Show `payload` (from `preview()` / `preview_error()`) as the result of `node`."""
        if status not in PREVIEW_STATUSES:
            msg = f"preview status {status!r} is not one of {', '.join(PREVIEW_STATUSES)}"
            raise ValueError(msg)
        self.preview = {
            "node": node,
            "status": status,
            "expression": self.expression(node, status) if expression is None else expression,
            "summary": str(payload.get("summary", "")),
            "html": str(payload.get("html", "")),
        }

    def _refuse(self, node: str, reason: str) -> None:
        self.show_preview(node, {"summary": reason, "html": ""}, "refused")

    def picture(self) -> dict[str, str]:
        """The graph as a static SVG (with states), as a mimebundle."""
        from sideflow.render import scene_to_svg

        graph = dict(self.graph)
        if not graph.get("nodes"):
            return {"text/plain": f"(no graph yet) {self!r}"}
        svg = scene_to_svg(graph, {**self.states}).replace("<svg ", '<svg class="sf-picture" ', 1)
        # An <img> of the SVG too: JupyterLab shows an untrusted (unexecuted) notebook's
        # HTML without <svg> tags, but keeps images; nbconvert and nbviewer prefer the HTML.
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        alt = html.escape(f"graph of {self.name}: {self!r}")
        markup = f'<img class="sf-picture" alt="{alt}" src="{uri}">'
        return {"text/html": markup, "image/svg+xml": svg, "text/plain": f"picture of {self!r}"}

    def _ipython_display_(self) -> None:
        """The live view, then its picture: the widget's JavaScript hides the picture while
        it runs; nbconvert, nbviewer, GitHub and a kernel-less notebook show the picture."""
        from IPython.display import display

        bundle = self._repr_mimebundle_()
        if bundle is None:  # closed: no live view to show
            display(self.picture(), raw=True)
            return
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        display(data, metadata=metadata, raw=True)
        display(self.picture(), raw=True)

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") not in ("run", "explain", "relayout"):
            return
        if content["type"] == "relayout":
            if self._on_relayout is not None and not self.busy:
                self._on_relayout()
            return
        node = content.get("node")
        if not isinstance(node, str) or not node:
            return
        if content["type"] == "explain":
            self._explain(node)
            return
        known = {n.get("name") for n in self.graph.get("nodes") or []}
        if known and node not in known:
            self._refuse(node, f"{node!r} is no longer in the graph; it was removed or renamed")
            return
        if self.busy:
            self._refuse(node, f"{self.busy!r} is running; click again when it finishes")
            return
        if self._on_run is None:
            self._refuse(node, "this graph is read-only: no session runs its nodes")
            return
        self.busy = node
        try:
            self._on_run(node)
        except BaseException as exc:  # SystemExit, an interrupt...: reported, never kills the kernel
            self.show_preview(node, preview_error(exc), "error")
        finally:
            self.busy = ""

    def _explain(self, node: str) -> None:
        """Reply to a hover: why the node is in its state and what a click would run."""
        answer: dict[str, Any] = {}
        if self._on_explain is not None:
            try:
                answer = dict(self._on_explain(node))
            except Exception as exc:  # a hover must never raise into the kernel's log
                answer = {"error": f"{type(exc).__name__}: {exc}"}
        self.send({"type": "explain", "node": node, **answer})

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """A front end's state update. `busy` is synced for display only: a (stale or
        hostile) front end setting it must not block every later click."""
        super().set_state({k: v for k, v in sync_data.items() if k != "busy"})
