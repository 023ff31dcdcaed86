"""A pure-Python layered layout, used when pygraphviz is not installed.

Longest-path layering, then a few barycentre sweeps to reduce crossings, then
left-to-right packing; edges are straight. Good enough to read a DAG; `dot` is better.
"""

from __future__ import annotations

from collections.abc import Sequence

from .layout import BOX_HEIGHT, Box, EdgeRoute, Layout, Rankdir, box_width

GAP = 18.0
LAYER_GAP = 36.0
SWEEPS = 4


def layered_layout(
    vertices: Sequence[str], edges: Sequence[tuple[str, str]], rankdir: Rankdir
) -> Layout:
    parents: dict[str, list[str]] = {v: [] for v in vertices}
    children: dict[str, list[str]] = {v: [] for v in vertices}
    for tail, head in edges:
        parents[head].append(tail)
        children[tail].append(head)
    layer: dict[str, int] = {}
    for v in vertices:  # vertices come in topological order
        layer[v] = 1 + max((layer[p] for p in parents[v] if p in layer), default=-1)
    layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for v in vertices:
        layers[layer[v]].append(v)
    rank = {v: float(i) for row in layers for i, v in enumerate(row)}
    for sweep in range(SWEEPS):
        rows = layers[1:] if sweep % 2 == 0 else layers[-2::-1]
        neighbours = parents if sweep % 2 == 0 else children
        for row in rows:
            for v in row:
                linked = [rank[n] for n in neighbours[v]]
                if linked:
                    rank[v] = sum(linked) / len(linked)
            row.sort(key=rank.__getitem__)
            for i, v in enumerate(row):
                rank[v] = float(i)
    horizontal = rankdir == "TB"
    boxes: dict[str, Box] = {}
    across_max = 0.0
    depth = 0.0
    for row in layers:
        thickness = max((box_width(v) if not horizontal else BOX_HEIGHT) for v in row)
        across = 0.0
        for v in row:
            w = box_width(v)
            extent = w if horizontal else BOX_HEIGHT
            centre_across = across + extent / 2
            centre_depth = depth + thickness / 2
            x, y = (centre_across, centre_depth) if horizontal else (centre_depth, centre_across)
            boxes[v] = Box(x, y, w, BOX_HEIGHT)
            across += extent + GAP
        across_max = max(across_max, across - GAP)
        depth += thickness + LAYER_GAP
    for row in layers:  # centre each row on the widest one
        extent = sum((box_width(v) if horizontal else BOX_HEIGHT) for v in row)
        extent += GAP * (len(row) - 1)
        shift = (across_max - extent) / 2
        for v in row:
            b = boxes[v]
            boxes[v] = Box(b.x + shift, b.y, b.width, b.height) if horizontal else Box(
                b.x, b.y + shift, b.width, b.height)
    routes = tuple(EdgeRoute(t, h, _straight(boxes[t], boxes[h], horizontal)) for t, h in edges)
    length = depth - LAYER_GAP
    width, height = (across_max, length) if horizontal else (length, across_max)
    return Layout(boxes, routes, max(width, 0.0), max(height, 0.0), "python")


def _straight(tail: Box, head: Box, horizontal: bool) -> str:
    if horizontal:
        return (f"M{tail.x:.1f},{tail.y + tail.height / 2:.1f} "
                f"L{head.x:.1f},{head.y - head.height / 2:.1f}")
    return (f"M{tail.x + tail.width / 2:.1f},{tail.y:.1f} "
            f"L{head.x - head.width / 2:.1f},{head.y:.1f}")
