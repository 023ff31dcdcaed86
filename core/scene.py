"""The drawable scene of a graph: positioned nodes with roles and facts, and routed edges.

One scene feeds the static SVG and the interactive widget, so they agree. Scenes take a
`Graph` (never the `Dataflow`): names are checked by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

from .geometry import Rankdir, Seat
from .graph import Graph
from .layout import Engine, layout
from .typecheck import describe

Role = Literal["function", "input", "config", "output", "override"]
_REPR_MAX = 80


def select(graph: Graph, upstream_of: str | None, downstream_of: str | None) -> list[str]:
    """Names to show, in graph order: everything, or a node's upstream/downstream with it."""
    names = [*graph.inputs, *graph.order]
    if upstream_of is None and downstream_of is None:
        return names
    keep: set[str] = set()
    for focus, walk in ((upstream_of, graph.ancestors), (downstream_of, graph.descendants)):
        if focus is not None:
            keep |= walk([focus]) | {focus}
    return [n for n in names if n in keep]


def role_of(graph: Graph, name: str, outputs: Collection[str], overrides: Collection[str]) -> Role:
    if name in overrides:
        return "override"
    spec = graph.inputs.get(name)
    if spec is not None:
        return "config" if spec.from_config else "input"
    return "output" if name in outputs else "function"


def input_defaults(graph: Graph, name: str) -> dict[str, Any]:
    """Consumer -> the default its parameter `name` declares (consumers without one left out)."""
    out: dict[str, Any] = {}
    for consumer in graph.inputs[name].consumers:
        for param in graph.nodes[consumer].params:
            if param.name == name and not param.required:
                out[consumer] = param.default
    return out


def short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a user's broken __repr__
        text = f"<{type(value).__name__}: repr failed: {type(exc).__name__}>"
    return _clip(text)


def _clip(text: str) -> str:
    return text if len(text) <= _REPR_MAX else text[: _REPR_MAX - 1] + "…"


def previous_seats(scene: Mapping[str, Any] | None) -> dict[str, Seat]:
    """The seats of an earlier widget scene, so the next layout keeps nodes in place."""
    seats: dict[str, Seat] = {}
    if not scene:
        return seats
    for node in scene.get("nodes") or ():
        if "rank" in node and "across" in node:
            depth = float(node["y"] if scene.get("rankdir", "TB") == "TB" else node["x"])
            seats[str(node["name"])] = Seat(int(node["rank"]), float(node["across"]), depth)
    return seats


def build_scene(
    graph: Graph,
    outputs: Collection[str] = (),
    overrides: Collection[str] = (),
    rankdir: Rankdir = "TB",
    upstream_of: str | None = None,
    downstream_of: str | None = None,
    engine: Engine = "auto",
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON-able scene: `{"nodes": [...], "edges": [...], "left", "top", "width", "height"}`.

    `previous` (an earlier scene of the layered engine) keeps nodes where they were.
    """
    names = select(graph, upstream_of, downstream_of)
    shown = set(names)
    edges = [(p, n) for n in names if n in graph.nodes for p in graph.parents[n] if p in shown]
    placed = layout(names, edges, rankdir, engine, previous_seats(previous))
    nodes = []
    for name in names:
        box = placed.boxes[name]
        node = {"name": name, "role": role_of(graph, name, outputs, overrides),
                "x": round(box.x, 1), "y": round(box.y, 1),
                "width": round(box.width, 1), "height": round(box.height, 1), **_facts(graph, name)}
        seat = placed.seats.get(name)
        if seat is not None:
            node.update(rank=seat.rank, across=seat.across)
        nodes.append(node)
    routes = [{"source": r.tail, "target": r.head, "path": r.path} for r in placed.edges]
    return {"nodes": nodes, "edges": routes, "left": round(placed.left, 1), "top": round(placed.top, 1),
            "width": round(placed.width, 1), "height": round(placed.height, 1), "rankdir": rankdir,
            "engine": placed.engine}


def _facts(graph: Graph, name: str) -> dict[str, Any]:
    """What a hover card shows: signature, return type, doc line, file:line, tags."""
    node = graph.nodes.get(name)
    if node is not None:
        tags = {str(k): _clip(str(v)) for k, v in node.tags.items()}
        return {"signature": node.signature, "returns": describe(node.returns), "doc": node.summary,
                "location": node.location, "origin": node.origin, "tags": tags}
    spec = graph.inputs[name]
    kind = "config value" if spec.from_config else "input" if spec.required else "optional input"
    facts: dict[str, Any] = {
        "signature": f"{kind} {name}: {describe(spec.annotation)}", "returns": describe(spec.annotation),
        "doc": f"used by {', '.join(spec.consumers)}", "location": "", "tags": {},
        "required": spec.required,
    }
    defaults = input_defaults(graph, name)
    if defaults:
        facts["default"] = short_repr(next(iter(defaults.values())))
    return facts
