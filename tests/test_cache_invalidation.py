"""The cache across real processes: what a restart reuses, and exactly what each change recomputes.

Each run is a fresh Python process on the same cache directory. Calls are counted by
the pipeline itself (a line appended to a file per call), never by the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

PIPELINE = '''
import os

import pandas as pd
import fakepkg
import sideflow
from helpers import clean

WINDOW = 2


def _log(name):  # the file is named outside the code: it is not data the nodes read
    with open(os.environ["SIDEFLOW_TEST_CALLS"], "a") as f:
        f.write(name + "\\n")


@sideflow.cache(True)
def a(raw: pd.Series) -> pd.Series:
    _log("a")
    return raw * 2


@sideflow.cache(True)
def b(a: pd.Series) -> pd.Series:
    _log("b")
    return clean(a)


@sideflow.cache(True)
def c(b: pd.Series) -> pd.Series:
    _log("c")
    return b.rolling(WINDOW, min_periods=1).sum()


@sideflow.cache(True)
def d(c: pd.Series, factor: float) -> float:
    _log("d")
    return fakepkg.scale(float(c.sum()), factor)


@sideflow.cache(True)
def e(other: list) -> int:
    _log("e")
    return len(other)
'''

HELPERS = '''
def clean(values):
    return values.abs()
'''

RUN = '''
import json, pickle, sys
sys.path[:0] = [{folder!r}, {site!r}]
import pandas as pd
import sideflow
import pipeline
raw = pd.Series({raw}, dtype={dtype!r})
flow = sideflow.Dataflow(pipeline, config={{"factor": {factor}}}, cache={cache!r})
out = flow.run(["d", "e"], inputs={{"raw": raw, "other": {other}}})
print(json.dumps({{k: repr(v) for k, v in out.items()}}))
'''


class Project:
    """A pipeline folder, a fake installed package, a cache: run it in fresh processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "project"
        # installed as `pip install --user` would: a site-packages folder, so its code is
        # third-party (named by version, not walked) and an upgrade changes only its metadata
        self.userbase = root / "userbase"
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        self.site = self.userbase / "lib" / version / "site-packages"
        self.calls = root / "calls.txt"
        self.folder.mkdir()
        (self.folder / "pipeline.py").write_text(PIPELINE)
        (self.folder / "helpers.py").write_text(HELPERS)
        self.install_fakepkg("1.0")
        self.params: dict[str, Any] = {"raw": "[1, 2, 3]", "dtype": "int64", "factor": 1.5, "other": "[1]"}

    def install_fakepkg(self, version: str) -> None:
        """A package with dist-info, as pip leaves it: an upgrade changes its version only."""
        package = self.site / "fakepkg"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("def scale(x, f):\n    return x * f\n")
        for old in self.site.glob("fakepkg-*.dist-info"):
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
        info = self.site / f"fakepkg-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fakepkg\nVersion: {version}\n")
        (info / "top_level.txt").write_text("fakepkg\n")
        (info / "RECORD").write_text("fakepkg/__init__.py,,\n")

    def edit(self, name: str, old: str, new: str) -> None:
        file = self.folder / name
        text = file.read_text()
        assert old in text
        file.write_text(text.replace(old, new))

    def run(self) -> tuple[set[str], dict[str, str]]:
        self.calls.write_text("")
        code = RUN.format(folder=str(self.folder), site=str(self.site), cache=str(self.root / "cache"),
                          **self.params)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUSERBASE": str(self.userbase),
               "SIDEFLOW_TEST_CALLS": str(self.calls)}
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                              text=True, timeout=180, env=env, cwd=self.root)
        assert done.returncode == 0, done.stderr
        assert "CacheWarning" not in done.stderr, done.stderr
        ran = set(self.calls.read_text().split())
        return ran, json.loads(done.stdout)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("cache-invalidation"))


def _change(project: Project, rule: str) -> None:
    if rule == "node body":
        project.edit("pipeline.py", "return clean(a)", "return clean(a) + 1")
    elif rule == "helper in another module":
        project.edit("helpers.py", "return values.abs()", "return values.abs() * 10")
    elif rule == "module constant":
        project.edit("pipeline.py", "WINDOW = 2", "WINDOW = 3")
    elif rule == "one input value":
        project.params["other"] = "[1, 2]"
    elif rule == "input dtype, equal values":
        project.params["dtype"] = "float64"
    elif rule == "input shape":
        project.params["raw"] = "[1, 2, 3, 3]"
    elif rule == "config value":
        project.params["factor"] = 2.5
    elif rule == "package upgrade":
        project.install_fakepkg("1.1")
    else:
        raise AssertionError(rule)


RULES = [
    ("node body", {"b", "c", "d"}),
    ("helper in another module", {"b", "c", "d"}),
    ("module constant", {"c", "d"}),
    ("one input value", {"e"}),
    ("input dtype, equal values", {"a", "b", "c", "d"}),
    ("input shape", {"a", "b", "c", "d"}),
    ("config value", {"d"}),
    ("package upgrade", {"d"}),
]


def test_a_fresh_process_recomputes_nothing_and_returns_equal_values(project: Project) -> None:
    ran, first = project.run()
    assert ran == {"a", "b", "c", "d", "e"}
    ran, again = project.run()
    assert ran == set()
    assert again == first


@pytest.mark.parametrize(("rule", "recomputed"), RULES, ids=[r for r, _ in RULES])
def test_each_change_recomputes_exactly_the_node_and_what_is_below(
    project: Project, rule: str, recomputed: set[str]
) -> None:
    if not (project.root / "cache").exists():  # run alone: fill the cache first
        project.run()
    _change(project, rule)
    ran, changed = project.run()
    assert ran == recomputed
    ran, again = project.run()
    assert ran == set() and again == changed
