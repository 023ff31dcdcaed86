"""The picture of an executed DAG for a run record: ran, reused, not needed, failed,
styled apart, with durations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render import scene_to_svg
from .scene import build_scene

if TYPE_CHECKING:
    from .dataflow import Dataflow

# status -> (fill, stroke, stroke width, dash), as render.STYLE
RUN_STYLE: dict[str, tuple[str, str, float, str]] = {
    "ran": ("#dcebd9", "#2f7d32", 2.0, ""),
    "reused": ("#e4ecf7", "#4a6fa5", 1.4, "6 3"),
    "given": ("#f8e6f3", "#9c3d86", 1.6, "6 3"),
    "error": ("#fbe3e1", "#c62828", 2.6, ""),
    "not run": ("#ffffff", "#c62828", 1.0, "2 2"),
    "not needed": ("#f5f5f5", "#bbbbbb", 1.0, "2 3"),
}


def executed_svg(flow: Dataflow, record: dict[str, Any]) -> str:
    """SVG of the whole DAG; each node styled by its status in `record["nodes"]`."""
    scene = build_scene(flow.graph, outputs=record["outputs"])
    nodes = record["nodes"]
    for item in scene["nodes"]:
        entry = nodes.get(item["name"])
        if entry is None:  # an input: given, left to its default, or not read
            item["note"] = _input_note(flow, item["name"], record)
            continue
        status = entry["status"]
        fill, stroke, width, dash = RUN_STYLE[status]
        item["style"] = (fill, stroke, width + 1.2 if item["name"] in record["outputs"] else width, dash)
        item["note"] = f"{status} {_seconds(entry['seconds'])}" if "seconds" in entry else status
        item["classes"] = f" sf-status-{status.replace(' ', '-')}"
        item["doc"] = f"{status}: {entry['error']}" if "error" in entry else item["doc"]
    return scene_to_svg(scene)


def _input_note(flow: Dataflow, name: str, record: dict[str, Any]) -> str:
    if name in record["inputs"] or name in record["config"]:
        return "given"
    consumers = flow.graph.inputs[name].consumers
    ran = any(record["nodes"][c]["status"] in ("ran", "error") for c in consumers)
    return "default" if ran else ""


def _seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.0f} ms"
    return f"{value:.2f} s"
