"""Static rendering: DOT text, and SVG drawn from the scene (no system Graphviz needed)."""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .geometry import Rankdir
from .graph import Graph
from .scene import build_scene, role_of, select

# role -> (fill, stroke, stroke width, dash)
STYLE: dict[str, tuple[str, str, float, str]] = {
    "function": ("#eef3fb", "#4a6fa5", 1.2, ""),
    "output": ("#dcebd9", "#2f7d32", 2.6, ""),
    "input": ("#ffffff", "#777777", 1.2, "4 3"),
    "config": ("#fff6df", "#b08500", 1.2, "2 2"),
    "override": ("#f8e6f3", "#9c3d86", 2.0, ""),
}


@dataclass(frozen=True)
class Drawing:
    """An SVG of a dataflow; Jupyter shows it inline."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:  # short and stable: notebooks store it next to the SVG
        nodes = self.svg.count('class="sf-node ')
        return f"Drawing({nodes} nodes, SVG)"

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.svg, encoding="utf-8")
        return target


def to_dot(
    graph: Graph,
    outputs: Collection[str] = (),
    overrides: Collection[str] = (),
    rankdir: Rankdir = "TB",
    upstream_of: str | None = None,
    downstream_of: str | None = None,
) -> str:
    """Graphviz DOT for the (sub)graph, styled by role."""
    names = select(graph, upstream_of, downstream_of)
    shown = set(names)
    lines = ["digraph dataflow {", f'  rankdir="{rankdir}";',
             '  node [fontname="Helvetica", fontsize=11, style="filled,rounded"];']
    for name in names:
        role = role_of(graph, name, outputs, overrides)
        fill, stroke, width, dash = STYLE[role]
        shape = "box" if role in ("function", "output", "override") else "ellipse"
        style = '"filled,rounded,dashed"' if dash else '"filled,rounded"'
        lines.append(f'  "{_dot_escape(name)}" [shape={shape}, fillcolor="{fill}", '
                     f'color="{stroke}", penwidth={width}, style={style}, tooltip="{role}"];')
    for name in names:
        for parent in graph.parents.get(name, ()):
            if parent in shown:
                lines.append(f'  "{_dot_escape(parent)}" -> "{_dot_escape(name)}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(graph: Graph, **options: Any) -> Drawing:
    """Lay out (cached) and draw an SVG; options as for `to_dot`."""
    return Drawing(scene_to_svg(build_scene(graph, **options)))


# state -> stroke colour, as in the widget's legend (extension/static/graph.css)
STATE_COLOURS: dict[str, str] = {
    "input": "#0097a7", "idle": "#9e9e9e", "running": "#1976d2", "fresh": "#388e3c",
    "stale": "#f57c00", "error": "#d32f2f", "missing-input": "#8e24aa",
}


def scene_to_svg(scene: dict[str, Any], states: Mapping[str, str] | None = None) -> str:
    """The scene as standalone SVG; with `states`, nodes are outlined in their state colour
    and a legend is drawn (the widget's picture for front ends without its JavaScript)."""
    pad = 8.0
    legend = 22.0 if states else 0.0
    left, top = scene.get("left", 0.0) - pad, scene.get("top", 0.0) - pad - legend
    width, height = scene["width"] + 2 * pad, scene["height"] + 2 * pad + legend
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="{left:.1f} {top:.1f} {width:.0f} {height:.0f}" '
           'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           '<defs><marker id="sf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/>'
           "</marker></defs>"]
    if states:
        out.append(_legend(left + pad, top + pad + 6, {states.get(n["name"], "") for n in scene["nodes"]}))
    for edge in scene["edges"]:
        if edge.get("path"):
            out.append(f'<path d="{html.escape(edge["path"])}" fill="none" stroke="#888" '
                       'stroke-width="1.2" marker-end="url(#sf-arrow)"/>')
    for node in scene["nodes"]:
        style = node.get("style") or STYLE.get(node.get("role", ""), STYLE["function"])
        fill, stroke, stroke_width, dash = style
        state = (states or {}).get(node["name"], "")
        if state in STATE_COLOURS:
            stroke, stroke_width = STATE_COLOURS[state], max(stroke_width, 2.0)
        x, y = node["x"] - node["width"] / 2, node["y"] - node["height"] / 2
        rx = node["height"] / 2 if node.get("role") in ("input", "config") else 6
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        facts = (node.get("signature", ""), node.get("doc", ""), node.get("location", ""))
        tip = html.escape("\n".join(facts).strip())
        marked = f' data-state="{html.escape(state)}"' if state else ""
        classes = f'sf-node sf-role-{html.escape(node.get("role", "function"))}{node.get("classes", "")}'
        out.append(f'<g class="{classes}"{marked}><title>{tip}</title>'
                   f'<rect x="{x:.1f}" y="{y:.1f}" width="{node["width"]:.1f}" '
                   f'height="{node["height"]:.1f}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="{stroke_width}"{dashing}/>'
                   f'<text x="{node["x"]:.1f}" y="{node["y"] + (-3 if node.get("note") else 4):.1f}" '
                   'text-anchor="middle">'
                   f'{html.escape(node["name"])}</text>{_note(node)}</g>')
    out.append("</svg>")
    return "\n".join(out)


def _legend(x: float, y: float, shown: set[str]) -> str:
    """One swatch per state that appears, in the widget's legend order."""
    parts = []
    for state, colour in STATE_COLOURS.items():
        if state not in shown:
            continue
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2" fill="#fff" '
                     f'stroke="{colour}" stroke-width="2"/><text x="{x + 14:.1f}" y="{y:.1f}" '
                     f'fill="#555">{state}</text>')
        x += 24 + 7 * len(state)
    return f'<g class="sf-legend">{"".join(parts)}</g>'


def _note(node: dict[str, Any]) -> str:
    """A second, smaller line under the name (a run record's status and duration)."""
    if not node.get("note"):
        return ""
    return (f'<text x="{node["x"]:.1f}" y="{node["y"] + 12:.1f}" '
            f'text-anchor="middle" font-size="10" fill="#555">{html.escape(node["note"])}</text>')


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
