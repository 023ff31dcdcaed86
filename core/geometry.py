"""The shapes every layout returns and every picture reads: boxes, routed edges, layouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Rankdir = Literal["TB", "LR"]
CHAR_WIDTH = 7.2  # points per character of a 12px monospace-ish label
BOX_HEIGHT = 40.0


@dataclass(frozen=True)
class Box:
    """A node's box: centre and size in points, y growing downward (SVG convention)."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class EdgeRoute:
    tail: str
    head: str
    path: str  # SVG path data ending at the head's border


@dataclass(frozen=True)
class Seat:
    """Where a node sat in the last interactive layout: its rank, its place across ranks and
    the rank's depth (its position along the flow)."""

    rank: int
    across: float
    depth: float = 0.0


@dataclass(frozen=True)
class Layout:
    """Placed boxes and routes; `left`/`top` is the bounding box's corner (may be negative)."""

    boxes: dict[str, Box]
    edges: tuple[EdgeRoute, ...]
    width: float
    height: float
    engine: str
    left: float = 0.0
    top: float = 0.0
    seats: dict[str, Seat] = field(default_factory=dict)


def box_width(label: str) -> float:
    return max(60.0, CHAR_WIDTH * len(label) + 24.0)
