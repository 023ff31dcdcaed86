"""`%dataflow` caches beside the notebook: after a kernel restart, results come back fresh.

Each "kernel" is a fresh Python process running a real IPython shell.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MODULE = '''
import time
import pandas as pd
import sideflow


def _log(name):  # named from the module's own path: not a data file the nodes read
    with open(__file__[:-3] + ".calls", "a") as f:
        f.write(name + "\\n")


def cleaned(raw: pd.Series) -> pd.Series:
    _log("cleaned")
    time.sleep(0.3)  # dear enough to store
    return raw.abs()


def doubled(cleaned: pd.Series) -> pd.Series:
    _log("doubled")  # cheap: recomputed from the stored `cleaned`
    return cleaned * 2


@sideflow.cache(False)
def stamp(doubled: pd.Series) -> float:
    _log("stamp")
    return float(doubled.sum())
'''

KERNEL = '''
import json, sys, warnings
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
ip.run_line_magic("load_ext", "sideflow")
cells = {cells!r}
for cell in cells:
    result = ip.run_cell(cell)
    if not result.success:
        raise SystemExit(f"cell failed: {{cell}}")
flow = ip.user_ns["flow"]
print(json.dumps({{"states": flow.states, "cached": sorted(flow.cached), "results": {{
    k: repr(v.tolist() if hasattr(v, "tolist") else v) for k, v in flow.results.items()}},
    "durations": {{k: v > 0 for k, v in flow.durations.items()}},
    "widget_cached": sorted(flow.widget.cached),
    "cache": flow.cache and str(flow.cache.path)}}))
'''

SETUP = ["import pandas as pd", "data = {'raw': pd.Series([-1.0, 2.0, -3.0])}"]


def kernel(folder: Path, *cells: str) -> tuple[dict[str, object], list[str]]:
    calls = folder / "pipe.calls"
    calls.write_text("")
    code = textwrap.dedent(KERNEL.format(cells=[*SETUP, *cells]))
    env = {**os.environ, "PYTHONPATH": str(folder)}
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True,
                          timeout=180, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    return json.loads(last), calls.read_text().split()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pipe.py").write_text(MODULE)
    return tmp_path


def test_after_a_restart_cached_nodes_come_back_fresh(folder: Path) -> None:
    first, ran = kernel(folder, "%dataflow pipe.py --inputs data --no-widget", "flow.run(['stamp'])")
    assert ran == ["cleaned", "doubled", "stamp"]
    assert first["cached"] == [] and first["cache"] == str(folder / ".sideflow" / "cache")
    assert (folder / ".sideflow" / "cache" / "index.sqlite").is_file()

    again, ran = kernel(folder, "%dataflow pipe.py --inputs data --no-widget", "flow.run(['stamp'])")
    assert ran == ["doubled", "stamp"]  # `cleaned` was stored; the cheap and "recompute" ones run
    assert again["cached"] == ["cleaned"] and again["widget_cached"] == ["cleaned"]
    assert again["states"] == first["states"]
    assert all(state in ("input", "fresh") for state in again["states"].values())  # type: ignore[union-attr]
    assert again["results"] == first["results"]
    assert again["durations"] == {"cleaned": True, "doubled": True, "stamp": True}


def test_no_cache_and_a_chosen_directory(folder: Path) -> None:
    kernel(folder, "%dataflow pipe.py --inputs data --no-widget --no-cache", "flow.run(['stamp'])")
    _, ran = kernel(folder, "%dataflow pipe.py --inputs data --no-widget --no-cache", "flow.run(['stamp'])")
    assert ran == ["cleaned", "doubled", "stamp"] and not (folder / ".sideflow").exists()

    kernel(folder, "%dataflow pipe.py --inputs data --no-widget --cache elsewhere", "flow.run(['doubled'])")
    out, ran = kernel(folder, "%dataflow pipe.py --inputs data --no-widget --cache elsewhere",
                      "flow.run(['doubled'])")
    assert ran == ["doubled"] and out["cache"] == str(folder / "elsewhere")
    assert not (folder / ".sideflow").exists()


def test_cache_options_are_one_line_errors(folder: Path) -> None:
    code = textwrap.dedent('''
        from IPython.core.interactiveshell import InteractiveShell
        from IPython.utils.capture import capture_output
        ip = InteractiveShell.instance()
        ip.run_line_magic("load_ext", "sideflow")
        with capture_output() as out:
            ip.run_cell("%dataflow pipe.py --cache x --no-cache")
        print(out.stderr + out.stdout)
        print("flow" in ip.user_ns)
    ''')
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True,
                          timeout=120)
    assert "UsageError: --cache and --no-cache: give one or the other" in done.stdout
    assert done.stdout.strip().endswith("False")
