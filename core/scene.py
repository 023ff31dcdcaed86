"""The drawable scene of a dataflow: positioned nodes with roles, and routed edges.

One scene feeds both the static SVG and the interactive widget, so they agree.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Literal

from .layout import Rankdir, layout
from .typecheck import describe

if TYPE_CHECKING:
    from .dataflow import Dataflow

Role = Literal["function", "input", "config", "output", "override"]


def select(flow: Dataflow, upstream_of: str | None, downstream_of: str | None) -> list[str]:
    """Names to show, in graph order: everything, or a node's upstream/downstream with it."""
    graph = flow.graph
    names = [*graph.inputs, *graph.order]
    if upstream_of is None and downstream_of is None:
        return names
    keep: set[str] = set()
    for focus, walk in ((upstream_of, graph.ancestors), (downstream_of, graph.descendants)):
        if focus is not None:
            flow._check_known([focus])
            keep |= walk([focus]) | {focus}
    return [n for n in names if n in keep]


def role_of(
    flow: Dataflow, name: str, outputs: Collection[str], overrides: Collection[str]
) -> Role:
    if name in overrides:
        return "override"
    spec = flow.graph.inputs.get(name)
    if spec is not None:
        return "config" if spec.from_config else "input"
    return "output" if name in outputs else "function"


def build_scene(
    flow: Dataflow,
    outputs: Collection[str] = (),
    overrides: Collection[str] = (),
    rankdir: Rankdir = "TB",
    upstream_of: str | None = None,
    downstream_of: str | None = None,
) -> dict[str, Any]:
    """A JSON-able scene: `{"nodes": [...], "edges": [...], "width", "height"}`."""
    graph = flow.graph
    names = select(flow, upstream_of, downstream_of)
    shown = set(names)
    edges = [(p, n) for n in names if n in graph.nodes for p in graph.parents[n] if p in shown]
    placed = layout(names, edges, rankdir)
    nodes = []
    for name in names:
        box = placed.boxes[name]
        node = graph.nodes.get(name)
        if node is not None:
            facts = {"signature": node.signature, "returns": describe(node.returns),
                     "doc": node.summary, "location": node.location, "origin": node.origin,
                     "tags": {k: str(v) for k, v in node.tags.items()}}
        else:
            spec = graph.inputs[name]
            given = "input" if spec.required else "optional input"
            kind = "config value" if spec.from_config else given
            facts = {"signature": f"{kind} {name}: {describe(spec.annotation)}",
                     "returns": describe(spec.annotation),
                     "doc": f"used by {', '.join(spec.consumers)}", "location": ""}
        nodes.append({"name": name, "role": role_of(flow, name, outputs, overrides),
                      "x": round(box.x, 1), "y": round(box.y, 1),
                      "width": round(box.width, 1), "height": round(box.height, 1), **facts})
    routes = [{"source": r.tail, "target": r.head, "path": r.path} for r in placed.edges]
    return {"nodes": nodes, "edges": routes, "width": round(placed.width, 1),
            "height": round(placed.height, 1), "rankdir": rankdir, "engine": placed.engine}
