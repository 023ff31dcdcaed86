"""Rendering: DOT text, SVG drawings (Graphviz and the pure-Python fallback), subsets."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sideflow.layout as layout_module
from sideflow import Dataflow
from sideflow.layout import layout

RESOURCES = Path(__file__).parent / "resources"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def diamond() -> Dataflow:
    return Dataflow(RESOURCES / "diamond.py", config={"y": 3})


@pytest.fixture(params=["dot", "layered"], ids=["graphviz", "layered-fallback"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Draw with Graphviz, or with pygraphviz made unimportable (the fallback)."""
    monkeypatch.setattr(layout_module, "_cache", {})
    if request.param == "layered":
        monkeypatch.setitem(sys.modules, "pygraphviz", None)  # `import pygraphviz` fails
    else:
        pytest.importorskip("pygraphviz")
    engine: str = request.param
    return engine


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r'^  "(\w+)" -> "(\w+)";$', dot, flags=re.MULTILINE)


def _role(dot: str, name: str) -> str:
    found = re.search(rf'^  "{name}" \[.*tooltip="(\w+)"\];$', dot, flags=re.MULTILINE)
    assert found, name
    return found.group(1)


def test_dot_has_every_node_and_edge(diamond: Dataflow) -> None:
    dot = diamond.to_dot()
    assert dot.startswith('digraph dataflow {\n  rankdir="TB";')
    assert _edges(dot) == [("x", "base"), ("base", "left"), ("base", "right"),
                           ("left", "joined"), ("right", "joined"), ("y", "unrelated")]


def test_dot_roles(diamond: Dataflow) -> None:
    dot = diamond.to_dot(outputs=["joined"], overrides=["left"])
    roles = {name: _role(dot, name) for name in ["x", "y", "base", "left", "joined"]}
    assert roles == {"x": "input", "y": "config", "base": "function", "left": "override",
                     "joined": "output"}
    assert re.search(r'"x" \[shape=ellipse, .*style="filled,rounded,dashed"', dot)
    assert re.search(r'"joined" \[shape=box, ', dot)


def test_dot_escapes_quotes() -> None:
    from sideflow.render import _dot_escape

    assert _dot_escape('a"b\\c') == 'a\\"b\\\\c'


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"upstream_of": "left"}, ["x", "base", "left"]),
        ({"downstream_of": "left"}, ["left", "joined"]),
        ({"upstream_of": "left", "downstream_of": "left"}, ["x", "base", "left", "joined"]),
        ({}, ["x", "y", "base", "left", "right", "joined", "unrelated"]),
    ],
    ids=["upstream", "downstream", "both", "all"],
)
def test_subsets(diamond: Dataflow, options: dict[str, str], shown: list[str]) -> None:
    dot = diamond.to_dot(**options)
    assert re.findall(r'^  "(\w+)" \[', dot, flags=re.MULTILINE) == shown
    assert all(a in shown and b in shown for a, b in _edges(dot))


def test_subset_of_an_unknown_name(diamond: Dataflow) -> None:
    with pytest.raises(LookupError, match=r"unknown output 'lef' \(did you mean 'left'"):
        diamond.to_dot(upstream_of="lef")


def test_rankdir_lr_in_dot(diamond: Dataflow) -> None:
    assert 'rankdir="LR";' in diamond.to_dot(rankdir="LR")


def _drawn(svg: str) -> dict[str, tuple[float, float]]:
    """Node name -> rect centre, parsed from the SVG."""
    root = ET.fromstring(svg)
    centres = {}
    for group in root.iter(f"{SVG}g"):
        rect, text = group.find(f"{SVG}rect"), group.find(f"{SVG}text")
        assert rect is not None and text is not None and text.text
        x = float(rect.get("x", 0)) + float(rect.get("width", 0)) / 2
        y = float(rect.get("y", 0)) + float(rect.get("height", 0)) / 2
        centres[text.text] = (x, y)
    return centres


def test_visualize_draws_every_node(diamond: Dataflow, engine: str) -> None:
    svg = diamond.visualize(outputs=["joined"]).svg
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert set(_drawn(svg)) == {"x", "y", "base", "left", "right", "joined", "unrelated"}
    assert svg.count('marker-end="url(#sf-arrow)"') == 6  # one arrow per edge
    assert 'class="sf-node sf-role-output"' in svg
    assert 'class="sf-node sf-role-config"' in svg
    assert diamond._repr_svg_().startswith("<svg ")


def test_visualize_engine(diamond: Dataflow, engine: str) -> None:
    from sideflow.scene import build_scene

    assert build_scene(diamond.graph)["engine"] == engine


@pytest.mark.parametrize("rankdir", ["TB", "LR"], ids=["TB", "LR"])
def test_layout_follows_rankdir(diamond: Dataflow, engine: str, rankdir: str) -> None:
    at = _drawn(diamond.visualize(rankdir=rankdir).svg)
    axis = 1 if rankdir == "TB" else 0
    for parent, child in [("x", "base"), ("base", "left"), ("left", "joined")]:
        assert at[parent][axis] < at[child][axis], (parent, child)


def test_visualize_subset(diamond: Dataflow, engine: str) -> None:
    assert set(_drawn(diamond.visualize(downstream_of="base").svg)) == {"base", "left", "right",
                                                                         "joined"}


def test_svg_escapes_text() -> None:
    def amp(data: str) -> str:
        """Uses <b>markup</b> & ampersands."""
        return data

    svg = Dataflow([amp]).visualize().svg
    ET.fromstring(svg)  # well-formed
    assert "&lt;b&gt;markup&lt;/b&gt; &amp; ampersands" in svg


@pytest.mark.parametrize("rankdir", ["TB", "LR"], ids=["TB", "LR"])
def test_layered_layout_directly(rankdir: str) -> None:
    placed = layout(["a", "b", "c", "d"], [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
                    rankdir, engine="layered")
    assert placed.engine == "layered"
    assert set(placed.boxes) == {"a", "b", "c", "d"}
    assert len(placed.edges) == 4
    depth = (lambda box: box.y) if rankdir == "TB" else (lambda box: box.x)
    assert depth(placed.boxes["a"]) < depth(placed.boxes["b"]) < depth(placed.boxes["d"])
    assert depth(placed.boxes["b"]) == depth(placed.boxes["c"])
    assert placed.width > 0 and placed.height > 0


def test_drawing_save(diamond: Dataflow, tmp_path: Path) -> None:
    target = diamond.visualize().save(tmp_path / "flow.svg")
    assert target.read_text(encoding="utf-8").startswith("<svg ")
