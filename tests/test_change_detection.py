"""Staleness you can trust, in a real IPython shell: exactly the changed nodes and their
descendants turn stale, each with its reason, and nothing changed is shown as fresh."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ipython_shell import Shell, make_shell

SIDE = '''
import datetime

import pandas as pd

import helpers
from helpers import Cfg

START = datetime.date(2020, 1, 1)
BIG = list(range(2000))
WINDOW = 3


def labels(x: int) -> pd.DataFrame:
    """A list of string literals and a frame: the case that used to fingerprint unstably."""
    names = ["alpha", "beta", "gamma", "delta"]
    return pd.DataFrame({"name": names, "x": [x] * 4})


def scaled(x: int) -> int:
    return helpers.g(x)


def factor(x: int) -> int:
    return x * Cfg.FACTOR


def dated(x: int) -> str:
    return f"{START}:{len(BIG)}:{x}"


def windowed(x: int) -> int:
    return x + WINDOW


def total(scaled: int, factor: int) -> int:
    return scaled + factor
'''
HELPERS = """
import helpers2


class Cfg:
    FACTOR = 2


def g(v):
    return helpers2.h(v) + 1
"""
HELPERS2 = """
def h(v):
    return v * 10
"""
ALL = ["labels", "scaled", "factor", "dated", "windowed", "total"]


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    for name in ("side", "helpers", "helpers2", "other"):
        sys.modules.pop(name, None)
    yield from make_shell(tmp_path)


@pytest.fixture
def side(shell: Shell) -> Shell:
    shell.write("side.py", SIDE)
    shell.write("helpers.py", HELPERS)
    shell.write("helpers2.py", HELPERS2)
    shell.ok("%dataflow side.py --no-widget\nflow.inputs['x'] = 1")
    shell.ok(f"flow.run({ALL!r})")
    assert set(_not_fresh(shell)) == set()
    return shell


def _not_fresh(shell: Shell) -> dict[str, str]:
    return {n: s for n, s in shell.ns["flow"].states.items() if s not in ("fresh", "input")}


def _edit(shell: Shell, name: str, old: str, new: str) -> None:
    path = shell.folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


SAME = [
    ("comment", "side.py", "def scaled(", "# a comment\n\n\ndef scaled("),
    ("docstring", "side.py", "the case that used to", "the case that once used to"),
    ("blank lines", "side.py", "WINDOW = 3\n", "WINDOW = 3\n\n\n\n"),
    ("comment in a helper module", "helpers2.py", "def h(v):", "# helper\ndef h(v):"),
    ("function moved", "side.py", "def windowed(x: int) -> int:\n    return x + WINDOW\n", ""),
]


@pytest.mark.parametrize(("file", "old", "new"), [c[1:] for c in SAME], ids=[c[0] for c in SAME])
def test_edits_that_change_no_code_keep_everything_fresh(side: Shell, file: str, old: str, new: str) -> None:
    _edit(side, file, old, new)
    if not new:  # moved to the end of the file
        _edit(side, file, "def total(", "def windowed(x: int) -> int:\n    return x + WINDOW\n\n\ndef total(")
    side.ok("pass")
    assert _not_fresh(side) == {}


CHANGED = [
    (
        "body",
        "side.py",
        '"alpha"',
        '"omega"',
        {"labels"},
        "'labels' is stale: its code changed (side.labels at side.py:14)",
    ),
    (
        "helper through a module attribute",
        "helpers.py",
        "+ 1",
        "+ 2",
        {"scaled", "total"},
        "'scaled' is stale: helper helpers.g (helpers.py:9) changed",
    ),
    (
        "module imported only by a helper",
        "helpers2.py",
        "v * 10",
        "v * 100",
        {"scaled", "total"},
        "'scaled' is stale: helper helpers2.h (helpers2.py:2) changed",
    ),
    (
        "class attribute",
        "helpers.py",
        "FACTOR = 2",
        "FACTOR = 5",
        {"factor", "total"},
        "'factor' is stale: class Cfg (helpers.py) changed",
    ),
    (
        "date constant",
        "side.py",
        "2020, 1, 1",
        "2021, 1, 1",
        {"dated"},
        "'dated' is stale: module value START (side.py) changed",
    ),
    (
        "long list",
        "side.py",
        "range(2000)",
        "range(2001)",
        {"dated"},
        "'dated' is stale: module value BIG (side.py) changed",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "stale", "why"), [c[1:] for c in CHANGED], ids=[c[0] for c in CHANGED]
)
def test_code_changes_make_exactly_their_nodes_stale_and_say_why(
    side: Shell, file: str, old: str, new: str, stale: set[str], why: str
) -> None:
    flow = side.ns["flow"]
    _edit(side, file, old, new)
    side.ok("pass")
    assert _not_fresh(side) == dict.fromkeys(stale, "stale")
    first = min(stale, key=ALL.index)
    assert flow.why(first).text == why
    assert flow.why(first).as_dict()["reasons"][0]["kind"] in ("code", "helper", "value")
    if "total" in stale:
        assert flow.why("total").text.endswith(
            "upstream 'scaled' is stale" if "scaled" in stale else "upstream 'factor' is stale"
        )
    side.ok(f"flow.run({ALL!r})")
    assert sorted(flow.last_ran) == sorted(stale)
    assert _not_fresh(side) == {}
    fresh_import = _fresh_import_values(side)
    assert {n: _plain(flow.results[n]) for n in ALL} == fresh_import


def test_a_value_rebound_in_a_cell_counts_as_a_change(side: Shell) -> None:
    side.ok("import side\nside.WINDOW = 10")
    side.ok("pass")
    assert _not_fresh(side) == {"windowed": "stale"}
    why = side.ns["flow"].why("windowed").text
    assert why == "'windowed' is stale: module value WINDOW (side.py) changed"
    side.ok("flow.run(['windowed'])")
    assert side.ns["flow"].results["windowed"] == 11


def test_circular_import_between_the_side_module_and_a_helper(shell: Shell) -> None:
    shell.write("helpers.py", "import side\n\ndef rate():\n    return side.BASE * 2\n")
    shell.write(
        "side.py", "import helpers\n\nBASE = 3\n\ndef out(x: int) -> int:\n    return x * helpers.rate()\n"
    )
    shell.ok("%dataflow side.py --no-widget\nflow.inputs['x'] = 1")
    shell.ok("flow.run(['out'])")
    assert shell.ns["flow"].results["out"] == 6
    _edit(shell, "side.py", "BASE = 3", "BASE = 4")
    shell.ok("pass")
    assert _not_fresh(shell) == {"out": "stale"}
    shell.ok("flow.run(['out'])")
    assert shell.ns["flow"].results["out"] == 8  # the helper sees the new side module
    _edit(shell, "helpers.py", "* 2", "* 3")
    shell.ok("pass")
    shell.ok("flow.run(['out'])")
    assert shell.ns["flow"].results["out"] == 12


def test_an_error_node_turns_stale_or_idle_when_its_code_or_upstream_changes(shell: Shell) -> None:
    shell.write(
        "other.py",
        (
            "def a(x: int) -> int:\n    return x\n\n"
            "def b(a: int) -> int:\n    return 10 // a\n\n"
            "def c(x: int) -> int:\n    return 1 // x\n"
        ),
    )
    shell.ok("%dataflow other.py --no-widget\nflow.inputs['x'] = 1")
    flow = shell.ns["flow"]
    shell.ok("flow.run(['b'])")
    _edit(shell, "other.py", "return x\n\ndef b", "return x - 1\n\ndef b")  # a() now gives 0
    shell.ok("pass")
    _, result = shell.run("flow.run(['b'])")
    assert not result.success and flow.states["b"] == "error"
    _edit(shell, "other.py", "return x - 1", "return x + 1")  # upstream fixed
    shell.ok("pass")
    assert flow.states["b"] == "stale"  # its old result (10) is back in question, not an error
    assert flow.why("b").text == "'b' is stale: upstream 'a' is stale"
    shell.ok("flow.inputs['x'] = 0")
    _, result = shell.run("flow.run(['c'])")
    assert not result.success and flow.states["c"] == "error"
    shell.ok("flow.inputs['x'] = 2")
    assert flow.states["c"] == "idle"  # the error no longer applies; it never had a result
    assert flow.plan(["c"]).reasons == {"c": "not computed yet"}


def test_an_interrupted_reload_is_retried_before_the_next_cell(side: Shell) -> None:
    flow = side.ns["flow"]
    (side.folder / "interrupt.flag").write_text("")
    slow = (
        "import os\nif os.path.exists('interrupt.flag'):\n"
        "    os.remove('interrupt.flag')\n    raise KeyboardInterrupt\n"
    )
    _edit(side, "side.py", "import datetime\n", "import datetime\n" + slow)
    _edit(side, "side.py", "return x + WINDOW", "return x + WINDOW * 100")
    out = side.ok("pass")
    assert "reloading was interrupted (KeyboardInterrupt); it is tried again before the next cell" in out
    assert _not_fresh(side) == {}  # the last good graph and results, unchanged
    out = side.ok("pass")  # retried: loads now
    assert "interrupted" not in out
    assert _not_fresh(side) == {"windowed": "stale"}
    side.ok("flow.run(['windowed'])")
    assert flow.results["windowed"] == 301


def test_an_empty_save_keeps_every_result_and_says_so_once(side: Shell) -> None:
    flow = side.ns["flow"]
    text = (side.folder / "side.py").read_text()
    (side.folder / "side.py").write_text("\n  \n")
    out = side.ok("pass")
    assert "cannot load 'side.py': the file is empty (a save in progress, or everything deleted?)" in out
    assert "keeping the last good graph" in out
    assert side.ok("pass") == ""  # said once
    assert set(flow.results) == set(ALL) and _not_fresh(side) == {}
    (side.folder / "side.py").write_text(text)  # undo
    side.ok("pass")
    assert _not_fresh(side) == {}


def test_plan_says_what_a_request_would_run_and_reuse(side: Shell) -> None:
    flow = side.ns["flow"]
    _edit(side, "helpers2.py", "v * 10", "v * 7")
    side.ok("pass")
    plan = flow.plan(["total"])
    assert plan.run == ("scaled", "total")
    assert plan.reuse == ("factor",)
    assert plan.reasons["scaled"] == "stale: helper helpers2.h (helpers2.py:2) changed"
    assert plan.as_dict()["missing"] == []
    side.ok("flow.run(['total'])")
    assert flow.last_ran == ["scaled", "total"]
    assert flow.plan("total").run == ()


def test_a_replaced_input_and_a_config_change_are_reasons(shell: Shell) -> None:
    shell.write(
        "other.py", "def a(x: int, k: int) -> int:\n    return x * k\n\ndef b(x: int) -> int:\n    return x\n"
    )
    shell.ok("%dataflow other.py --no-widget -c k=2\nflow.inputs['x'] = 1")
    flow = shell.ns["flow"]
    shell.ok("flow.run(['a', 'b'])")
    shell.ok("flow.set_config({'k': 3})")
    assert _not_fresh(shell) == {"a": "stale"}
    assert flow.why("a").text == "'a' is stale: config value 'k' changed"
    shell.ok("flow.set_config({'k': 3})")  # the same value again: nothing more
    shell.ok("flow.run(['a'])\nflow.inputs['x'] = 5")
    assert _not_fresh(shell) == {"a": "stale", "b": "stale"}
    assert flow.why("b").text == "'b' is stale: input 'x' was replaced"
    assert flow.why("b").as_dict()["reasons"] == [
        {"kind": "input", "name": "x", "location": "", "text": "input 'x' was replaced"}
    ]


def _fresh_import_values(shell: Shell) -> dict[str, object]:
    """Every output as a new Python process computes it from the files on disk."""
    import json
    import subprocess

    code = (
        "import json, sys; sys.path.insert(0, '.')\n"
        "import sideflow, side\n"
        f"out = sideflow.Dataflow(side).run({ALL!r}, inputs={{'x': 1}})\n"
        "out['labels'] = out['labels'].to_dict('list')\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=shell.folder, capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def _plain(value: object) -> object:
    to_dict = getattr(value, "to_dict", None)
    return to_dict("list") if to_dict is not None else value
