"""Sources: module objects, import names, .py paths and function lists, alone or together."""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

import sideflow
from sideflow import Dataflow, SourceError
from sideflow.sources import module_functions

RESOURCES = Path(__file__).parent / "resources"
DIAMOND_NODES = ["base", "left", "right", "joined", "unrelated"]


def extra_from_joined(joined: int) -> int:
    return joined * 100


def test_module_object(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(RESOURCES))
    monkeypatch.delitem(sys.modules, "diamond", raising=False)
    module = importlib.import_module("diamond")
    flow = Dataflow(module)
    assert list(flow.nodes) == DIAMOND_NODES
    assert flow.sources[0].module is module
    assert flow.sources[0].label == "diamond.py"


def test_import_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(RESOURCES))
    monkeypatch.delitem(sys.modules, "diamond", raising=False)
    flow = Dataflow("diamond")
    assert list(flow.nodes) == DIAMOND_NODES
    assert flow.sources[0].module is sys.modules["diamond"]


@pytest.mark.parametrize(
    "path",
    [RESOURCES / "diamond.py", str(RESOURCES / "diamond.py")],
    ids=["pathlib", "str"],
)
def test_py_path(path: Any) -> None:
    flow = Dataflow(path)
    assert list(flow.nodes) == DIAMOND_NODES
    assert flow.run("joined", inputs={"x": 1}) == {"joined": 23}


def test_list_of_functions() -> None:
    def spend(budget: float) -> float:
        return budget

    def per_day(spend: float, days: int = 7) -> float:
        return spend / days

    flow = Dataflow([spend, per_day])
    assert list(flow.nodes) == ["spend", "per_day"]
    assert flow.sources[0].label == "test_sources.py"
    assert flow.run("per_day", inputs={"budget": 14.0}) == {"per_day": 2.0}


def test_several_sources_at_once() -> None:
    flow = Dataflow(RESOURCES / "diamond.py", [extra_from_joined])
    assert list(flow.nodes) == [*DIAMOND_NODES, "extra_from_joined"]
    assert flow.graph.parents["extra_from_joined"] == ("joined",)
    assert flow.run("extra_from_joined", inputs={"x": 1}) == {"extra_from_joined": 2300}
    assert repr(flow) == "Dataflow(diamond.py, test_sources.py: 6 nodes, 2 inputs)"


def test_module_functions_are_the_public_ones_it_defines_in_order() -> None:
    flow = Dataflow(RESOURCES / "ordering.py")
    module = flow.sources[0].module
    assert module is not None
    assert [f.__name__ for f in module_functions(module)] == list(flow.nodes)


def test_syntax_error_points_at_file_and_line(tmp_path: Path) -> None:
    file = tmp_path / "broken_syntax.py"
    file.write_text("def fine() -> int:\n    return 1\n\n\ndef broken(:\n    pass\n")
    with pytest.raises(
        SourceError, match=r"^broken_syntax.py:5: cannot load '.*broken_syntax.py': SyntaxError: "
    ) as caught:
        Dataflow(file)
    assert caught.value.location == "broken_syntax.py:5"
    assert isinstance(caught.value, ImportError)
    assert "broken_syntax" not in sys.modules  # a failed import leaves nothing behind


def test_import_time_error_points_at_the_raising_line(tmp_path: Path) -> None:
    file = tmp_path / "raises_on_import.py"
    file.write_text("import os\n\nVALUE = 1 / 0\n")
    with pytest.raises(
        SourceError,
        match=r"^raises_on_import.py:3: cannot load '.*raises_on_import.py': "
        r"ZeroDivisionError: division by zero$",
    ):
        Dataflow(file)


def test_missing_file() -> None:
    with pytest.raises(SourceError, match=r"cannot load '.*no_such_file.py': no such file"):
        Dataflow(RESOURCES / "no_such_file.py")


def test_unknown_import_name() -> None:
    with pytest.raises(
        SourceError,
        match=r"^no_such_module_xyz: cannot load 'no_such_module_xyz': ModuleNotFoundError: ",
    ):
        Dataflow("no_such_module_xyz")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ([len], r"a list of functions was expected, got <built-in function len>"),
        ([functools.partial(extra_from_joined, 1)], r"expected, got functools.partial\("),
        ([extra_from_joined, 3], r"a list of functions was expected, got 3"),
        (42, r"cannot build a dataflow from 42: pass a module, an import name, a \.py path"),
    ],
    ids=["builtin", "partial", "non-callable-in-list", "not-a-source"],
)
def test_wrong_kinds_of_source(source: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Dataflow(source)


def test_public_api_is_small() -> None:
    assert sorted(sideflow.__all__) == sideflow.__all__
    assert all(hasattr(sideflow, name) for name in sideflow.__all__)


def test_a_side_file_never_replaces_an_imported_module(tmp_path) -> None:
    import json

    import sideflow

    (tmp_path / "json.py").write_text("def a(x: int) -> int:\n    return x\n")
    with pytest.raises(sideflow.SourceError, match=r"a different module named 'json' is already imported"):
        sideflow.Dataflow(tmp_path / "json.py")
    assert sys.modules["json"] is json
