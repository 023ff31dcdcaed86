"""Static rendering: DOT text, and SVG drawn from the scene (no system Graphviz needed)."""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .layout import Rankdir
from .scene import build_scene, role_of, select

if TYPE_CHECKING:
    from .dataflow import Dataflow

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
    flow: Dataflow,
    outputs: Collection[str] = (),
    overrides: Collection[str] = (),
    rankdir: Rankdir = "TB",
    upstream_of: str | None = None,
    downstream_of: str | None = None,
) -> str:
    """Graphviz DOT for the (sub)graph, styled by role."""
    names = select(flow, upstream_of, downstream_of)
    shown = set(names)
    lines = ["digraph dataflow {", f'  rankdir="{rankdir}";',
             '  node [fontname="Helvetica", fontsize=11, style="filled,rounded"];']
    for name in names:
        role = role_of(flow, name, outputs, overrides)
        fill, stroke, width, dash = STYLE[role]
        shape = "box" if role in ("function", "output", "override") else "ellipse"
        style = '"filled,rounded,dashed"' if dash else '"filled,rounded"'
        lines.append(f'  "{_dot_escape(name)}" [shape={shape}, fillcolor="{fill}", '
                     f'color="{stroke}", penwidth={width}, style={style}, tooltip="{role}"];')
    for name in names:
        for parent in flow.graph.parents.get(name, ()):
            if parent in shown:
                lines.append(f'  "{_dot_escape(parent)}" -> "{_dot_escape(name)}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(flow: Dataflow, **options: Any) -> Drawing:
    """Lay out (cached) and draw an SVG; options as for `to_dot`."""
    return Drawing(scene_to_svg(build_scene(flow, **options)))


def scene_to_svg(scene: dict[str, Any]) -> str:
    pad = 8.0
    width, height = scene["width"] + 2 * pad, scene["height"] + 2 * pad
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="{-pad} {-pad} {width:.0f} {height:.0f}" '
           'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           '<defs><marker id="sf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/>'
           "</marker></defs>"]
    for edge in scene["edges"]:
        out.append(f'<path d="{edge["path"]}" fill="none" stroke="#888" stroke-width="1.2" '
                   'marker-end="url(#sf-arrow)"/>')
    for node in scene["nodes"]:
        fill, stroke, stroke_width, dash = node.get("style") or STYLE[node["role"]]
        x, y = node["x"] - node["width"] / 2, node["y"] - node["height"] / 2
        rx = node["height"] / 2 if node["role"] in ("input", "config") else 6
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        tip = html.escape(f'{node["signature"]}\n{node["doc"]}\n{node["location"]}'.strip())
        classes = f'sf-node sf-role-{node["role"]}{node.get("classes", "")}'
        out.append(f'<g class="{classes}"><title>{tip}</title>'
                   f'<rect x="{x:.1f}" y="{y:.1f}" width="{node["width"]:.1f}" '
                   f'height="{node["height"]:.1f}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="{stroke_width}"{dashing}/>'
                   f'<text x="{node["x"]:.1f}" y="{node["y"] + (-3 if node.get("note") else 4):.1f}" '
                   'text-anchor="middle">'
                   f'{html.escape(node["name"])}</text>{_note(node)}</g>')
    out.append("</svg>")
    return "\n".join(out)


def _note(node: dict[str, Any]) -> str:
    """A second, smaller line under the name (a run record's status and duration)."""
    if not node.get("note"):
        return ""
    return (f'<text x="{node["x"]:.1f}" y="{node["y"] + 12:.1f}" '
            f'text-anchor="middle" font-size="10" fill="#555">{html.escape(node["note"])}</text>')


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
