"""No import circles through the engine's picture modules (scenes, layouts, rendering),
counting lazy (in-function) and TYPE_CHECKING imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1] / "core"


def _imports(path: Path) -> set[str]:
    """The core modules `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sideflow."):
            found.add(node.module.split(".")[1])
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in CORE.glob("*.py") if p.stem != "__init__"}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph[start])
    while todo:
        name = todo.pop()
        if name == goal:
            return True
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return False


@pytest.mark.parametrize("module", ["render", "scene", "layout", "layered", "geometry", "graph"])
def test_picture_modules_are_in_no_import_circle(module: str) -> None:
    assert not _reaches(_graph(), module, module)


def test_scenes_and_layouts_take_a_graph_not_the_dataflow() -> None:
    graph = _graph()
    assert "dataflow" not in graph["scene"] | graph["render"] | graph["layout"] | graph["layered"]
    assert graph["layered"] == {"geometry"} and "layered" not in graph["geometry"]
