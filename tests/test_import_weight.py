"""`import sideflow` stays light: no IPython, widgets, pandas, numpy or Graphviz."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["IPython", "ipywidgets", "anywidget", "pandas", "numpy", "pygraphviz", "traitlets"]


def _loaded_after(code: str) -> list[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    modules: list[str] = json.loads(done.stdout)
    return modules


@pytest.mark.parametrize(
    "code",
    [
        "import sideflow",
        "import sideflow\nflow = sideflow.Dataflow([])\nflow.to_json()\nflow.to_dot()",
    ],
    ids=["import", "build-json-dot"],
)
def test_engine_imports_nothing_heavy(code: str) -> None:
    loaded = _loaded_after(code)
    heavy = sorted({m.split(".")[0] for m in loaded} & set(HEAVY))
    assert heavy == []


def test_the_check_would_notice_a_heavy_import() -> None:
    assert "pandas" in {m.split(".")[0] for m in _loaded_after("import sideflow, pandas")}
