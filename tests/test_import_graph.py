"""No import circles inside the engine, counting lazy (in-function) and TYPE_CHECKING imports."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

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


def test_core_modules_import_each_other_without_a_circle() -> None:
    modules = {p.stem: p for p in CORE.glob("*.py") if p.stem != "__init__"}
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the circle
    assert "dataflow" not in graph["scene"] | graph["render"] | graph["layout"] | graph["layered"]
    assert graph["layered"] == {"geometry"} and "layered" not in graph["geometry"]
