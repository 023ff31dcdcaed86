"""Introspection: nodes, inputs, traversal, JSON export and code hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sideflow import Dataflow, UnknownOutputError

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture
def diamond() -> Dataflow:
    return Dataflow(RESOURCES / "diamond.py")


def test_nodes_and_inputs(diamond: Dataflow) -> None:
    node = diamond.nodes["joined"]
    assert node.signature == "joined(left: int, right: int) -> int"
    assert node.summary == "Left and right together."
    assert node.location == "diamond.py:28"
    assert [p.name for p in node.params] == ["left", "right"]
    assert diamond.inputs["y"].consumers == ("unrelated",)
    with pytest.raises(TypeError):
        diamond.nodes["extra"] = node  # type: ignore[index]  # read-only views


@pytest.mark.parametrize(
    ("method", "name", "expected"),
    [
        ("upstream", "joined", ["x", "base", "left", "right"]),
        ("upstream", "base", ["x"]),
        ("upstream", "x", []),
        ("downstream", "base", ["left", "right", "joined"]),
        ("downstream", "x", ["base", "left", "right", "joined"]),
        ("downstream", "joined", []),
    ],
    ids=["up-joined", "up-base", "up-input", "down-base", "down-input", "down-leaf"],
)
def test_upstream_downstream(
    diamond: Dataflow, method: str, name: str, expected: list[str]
) -> None:
    assert getattr(diamond, method)(name) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("x", "joined", ["x", "base", "left", "joined"]),
        ("right", "joined", ["right", "joined"]),
        ("base", "base", ["base"]),
        ("left", "right", None),
        ("joined", "x", None),
    ],
    ids=["input-to-leaf", "one-edge", "same", "siblings", "upward"],
)
def test_path(diamond: Dataflow, start: str, end: str, expected: list[str] | None) -> None:
    assert diamond.path(start, end) == expected


@pytest.mark.parametrize("method", ["upstream", "downstream"], ids=["upstream", "downstream"])
def test_traversal_of_an_unknown_name(diamond: Dataflow, method: str) -> None:
    with pytest.raises(UnknownOutputError, match=r"unknown output 'bas' \(did you mean 'base'"):
        getattr(diamond, method)("bas")


def test_to_json_round_trips(diamond: Dataflow) -> None:
    data = json.loads(diamond.to_json())
    assert data == diamond.to_dict()
    assert [n["name"] for n in data["nodes"]] == list(diamond.graph.order)
    joined = next(n for n in data["nodes"] if n["name"] == "joined")
    assert joined["depends_on"] == ["left", "right"]
    assert joined["location"] == "diamond.py:28"
    assert joined["doc"] == "Left and right together."
    assert data["inputs"] == [
        {"name": "x", "type": "int", "required": True, "config": False, "consumers": ["base"]},
        {"name": "y", "type": "int", "required": True, "config": False,
         "consumers": ["unrelated"]},
    ]
    assert json.loads(diamond.to_json(indent=None)) == data


def test_to_json_shows_config_and_tags() -> None:
    flow = Dataflow(RESOURCES / "variants.py", config={"region": "EU"})
    data = json.loads(flow.to_json())
    assert data["config"] == {"region": "'EU'"}
    assert data["nodes"][0]["signature"] == "tax() -> float"


def _hashes(tmp_path: Path, folder: str, text: str) -> dict[str, str]:
    directory = tmp_path / folder
    directory.mkdir()
    file = directory / "hashing.py"
    file.write_text(text)
    return {name: node.code_hash for name, node in Dataflow(file).nodes.items()}


def test_code_hash_ignores_line_numbers_but_follows_helpers(tmp_path: Path) -> None:
    text = (RESOURCES / "hashing.py").read_text()
    original = _hashes(tmp_path, "original", text)
    moved = _hashes(tmp_path, "moved", "\n\n# a comment moves every line\n" + text)
    assert moved == original
    helper_changed = _hashes(tmp_path, "helper", text.replace("value * 3", "value * 4"))
    assert helper_changed["scored"] != original["scored"]  # calls the changed helper
    assert helper_changed["plain"] == original["plain"]
    body_changed = _hashes(tmp_path, "body", text.replace("x - 1", "x - 2"))
    assert body_changed["plain"] != original["plain"]
    assert body_changed["scored"] == original["scored"]


def test_code_hash_is_the_to_json_code_hash(diamond: Dataflow) -> None:
    data = json.loads(diamond.to_json())
    assert {n["name"]: n["code_hash"] for n in data["nodes"]} == {
        name: node.code_hash for name, node in diamond.nodes.items()
    }
