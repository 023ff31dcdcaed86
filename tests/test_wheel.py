"""The built wheel installs into a plain venv (no dependencies) and runs a flow."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FLOW = '''
def doubled(x: int) -> int:
    return 2 * x


def described(doubled: int, unit: str = "kg") -> str:
    return f"{doubled} {unit}"
'''
CHECK = """
import json, sys
from pathlib import Path
import sideflow

flow = sideflow.Dataflow(Path("small_flow.py"))
print(json.dumps({
    "file": sideflow.__file__,
    "result": flow.run("described", inputs={"x": 21}),
    "svg": flow.visualize().svg.startswith("<svg"),
    "extension_hooks": callable(sideflow.load_ipython_extension),
    "version": sideflow.__version__,
}))
"""


def _run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build from a copy of the tree, so the checkout gets no build/ or egg-info."""
    pytest.importorskip("build", reason="the wheel test needs `pip install build`")
    tree = tmp_path_factory.mktemp("tree")
    missing = [name for name in ("pyproject.toml", "README.md") if not (ROOT / name).is_file()]
    assert not missing, f"pyproject.toml needs these files to build: {missing}"
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    for folder in ("core", "extension"):
        shutil.copytree(ROOT / folder, tree / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, tree, cwd=tree)
    (built,) = dist.glob("sideflow-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("__init__", "dataflow", "build", "graph", "node", "typecheck", "execute",
                   "sources", "render", "scene", "layout", "layered", "geometry", "errors", "frame"):
        assert f"sideflow/{module}.py" in names
    assert "sideflow/py.typed" in names
    assert "sideflow/decorators/config.py" in names
    shipped = [p for p in (ROOT / "extension").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts
               and p.suffix in (".py", ".js", ".css")]
    for file in shipped:
        assert f"sideflow/extension/{file.relative_to(ROOT / 'extension').as_posix()}" in names
    if (ROOT / "extension" / "static" / "graph.js").is_file():
        assert "sideflow/extension/static/graph.js" in names
    assert not any(n.startswith(("core/", "extension/", "tests/")) for n in names)


@pytest.mark.slow
def test_wheel_runs_a_flow_in_a_plain_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    # the running pip installs into the new venv: no network, no dependencies
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--no-index", wheel, cwd=tmp_path)
    (tmp_path / "small_flow.py").write_text(FLOW)
    report = json.loads(_run(python, "-I", "-c", CHECK, cwd=tmp_path))
    assert Path(report["file"]).is_relative_to(venv)
    assert report["result"] == {"described": "42 kg"}
    assert report["svg"] and report["extension_hooks"]
    assert report["version"] == "0.1.0"
