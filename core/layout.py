"""Static pictures' layout: Graphviz `dot` in-process via pygraphviz; the widget's layout otherwise.

Layouts are cached by the graph's structure: an edit that changes only function
bodies reuses the last layout.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

from .geometry import BOX_HEIGHT, Box, EdgeRoute, Layout, Rankdir, Seat, box_width

_CACHE_SIZE = 16
# `dot` minimises crossings well but its cost grows fast: measured here, 100 nodes take
# 0.1 s, 500 nodes 0.8 s, a 1000-node feature graph 5-15 s. Above this many nodes + edges,
# "auto" uses the layered layout (the widget's; 40 ms for 1000 nodes) so big graphs stay quick.
DOT_MAX_ITEMS = 800
Engine = Literal["auto", "dot", "layered"]
_cache: dict[tuple[object, ...], Layout] = {}


def layout(
    vertices: Sequence[str], edges: Sequence[tuple[str, str]], rankdir: Rankdir = "TB",
    engine: Engine = "auto", previous: Mapping[str, Seat] | None = None,
) -> Layout:
    """Place `vertices` (names, in graph order) and route `edges` (tail, head).

    "dot" is for static pictures; "layered" is the widget's, stable across edits when given
    the `previous` layout's seats; "auto" is dot when installed and the graph is small.
    """
    key = _key(vertices, edges, rankdir, engine, previous or {})
    cached = _cache.get(key)
    if cached is not None:
        return cached
    result = None
    if engine == "dot" or (engine == "auto" and len(vertices) + len(edges) <= DOT_MAX_ITEMS):
        try:
            result = _dot_layout(vertices, edges, rankdir)
        except ImportError:
            if engine == "dot":
                raise
    if result is None:
        from .layered import layered_layout

        result = layered_layout(vertices, edges, rankdir, previous)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = result
    if result.seats:  # laid out again from its own seats, a layout is itself: the next call hits
        _cache[_key(vertices, edges, rankdir, engine, result.seats)] = result
    return result


def _key(
    vertices: Sequence[str], edges: Sequence[tuple[str, str]], rankdir: Rankdir, engine: Engine,
    previous: Mapping[str, Seat],
) -> tuple[object, ...]:
    seats = tuple(sorted((k, v.rank, v.across, v.depth) for k, v in previous.items()))
    return (tuple(vertices), tuple(edges), rankdir, engine, seats)


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Graphviz's bundled fontconfig warns on file descriptor 2; in Jupyter that
    becomes a stray stderr output (and breaks nbval), so silence it at the fd level."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _dot_layout(
    vertices: Sequence[str], edges: Sequence[tuple[str, str]], rankdir: Rankdir
) -> Layout:
    import pygraphviz

    graph = pygraphviz.AGraph(directed=True, strict=False)
    graph.graph_attr.update(rankdir=rankdir, nodesep="0.25", ranksep="0.45", splines="spline")
    graph.node_attr.update(shape="box", fixedsize="true", height=str(BOX_HEIGHT / 72), label="")
    for name in vertices:
        graph.add_node(name, width=str(box_width(name) / 72))
    for tail, head in edges:
        graph.add_edge(tail, head)
    with _quiet_stderr():
        graph.layout(prog="dot")
    top = float(graph.graph_attr["bb"].split(",")[3])
    boxes = {}
    for name in vertices:
        node = graph.get_node(name)
        x, y = (float(v) for v in node.attr["pos"].split(","))
        width, height = float(node.attr["width"]) * 72, float(node.attr["height"]) * 72
        boxes[name] = Box(x, top - y, width, height)
    routes = []
    for edge in graph.edges():
        routes.append(EdgeRoute(edge[0], edge[1], _spline_path(edge.attr["pos"], top)))
    left, bottom, right, upper = (float(v) for v in graph.graph_attr["bb"].split(","))
    return Layout(boxes, tuple(routes), right - left, upper - bottom, "dot")


def _spline_path(pos: str, top: float) -> str:
    """Graphviz `e,x,y x0,y0 x1,y1 ...` (cubic B-spline control points) as SVG path data."""
    end = None
    points = []
    for token in pos.split():
        parts = token.split(",")
        if parts[0] == "e":
            end = (float(parts[1]), top - float(parts[2]))
        elif parts[0] != "s":
            points.append((float(parts[0]), top - float(parts[1])))
    data = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for i in range(1, len(points) - 2, 3):
        (x1, y1), (x2, y2), (x3, y3) = points[i : i + 3]
        data += f" C{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f} {x3:.1f},{y3:.1f}"
    if end is not None:
        data += f" L{end[0]:.1f},{end[1]:.1f}"
    return data
