"""Files a node names in its code (or its helpers' constants) count in its key: an edited
data file is never served from the cache."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sideflow import Cache, Dataflow

HELPERS = '''
SOURCE = "data/rows.txt"


def read_rows():
    with open(SOURCE) as f:
        return f.read().split()
'''

PIPELINE = '''
import os
import sideflow
from files_helpers import read_rows

CALLS = []


@sideflow.cache(True)
def rows() -> list:
    CALLS.append("rows")
    return read_rows()


@sideflow.cache(True)
def settings() -> str:
    CALLS.append("settings")
    with open("settings.txt") as f:
        return f.read()


@sideflow.cache(True)
def listing() -> list:
    CALLS.append("listing")
    return sorted(os.listdir("folder"))


@sideflow.cache(True)
def matched() -> int:
    import glob
    CALLS.append("matched")
    return len(glob.glob("folder/*.csv"))
'''


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "files_helpers.py").write_text(HELPERS)
    (tmp_path / "files_pipeline.py").write_text(PIPELINE)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rows.txt").write_text("a b")
    (tmp_path / "settings.txt").write_text("v1")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "one.csv").write_text("1")
    monkeypatch.chdir(tmp_path)
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("files_helpers", "files_pipeline"):
        sys.modules.pop(name, None)


def ran(project: Path) -> tuple[dict[str, object], list[str]]:
    sys.modules.pop("files_helpers", None)
    flow = Dataflow(project / "files_pipeline.py", cache=Cache(project / "cache"))
    out = flow.run(["rows", "settings", "listing", "matched"])
    module = flow.sources[0].module
    assert module is not None
    return out, list(module.CALLS)


def test_editing_a_file_the_code_names_recomputes_exactly_its_reader(project: Path) -> None:
    assert ran(project) == ({"rows": ["a", "b"], "settings": "v1", "listing": ["one.csv"], "matched": 1},
                            ["rows", "settings", "listing", "matched"])
    assert ran(project)[1] == []

    (project / "settings.txt").write_text("v2")  # named in the node's own code
    out, calls = ran(project)
    assert out["settings"] == "v2" and calls == ["settings"]

    (project / "data" / "rows.txt").write_text("a b c")  # named by a helper's module constant
    out, calls = ran(project)
    assert out["rows"] == ["a", "b", "c"] and calls == ["rows"]

    (project / "folder" / "two.csv").write_text("2")  # a new file in a folder the code names
    out, calls = ran(project)
    assert out["listing"] == ["one.csv", "two.csv"] and out["matched"] == 2
    assert calls == ["listing", "matched"]

    stamp = os.stat(project / "settings.txt")
    os.utime(project / "settings.txt", ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    assert ran(project)[1] == ["settings"]  # touched: recomputed (never a guess)
    assert ran(project)[1] == []
